package dev.kino.cli.user;

import dev.kino.client.RequestEvent;
import dev.kino.client.RequestState;
import java.io.PrintStream;
import java.util.Locale;

/**
 * Shows a followed request on stderr: on a terminal, one line redrawn in place (the queue position
 * while it waits, then a progress bar); otherwise plain lines a log or CI can keep (status changes,
 * queue positions, progress in 10% steps). Engine log lines are printed in both.
 */
abstract sealed class ProgressDisplay {
  final PrintStream err;

  ProgressDisplay(PrintStream err) {
    this.err = err;
  }

  abstract void show(RequestEvent event);

  /** Leaves the terminal on a fresh line. */
  void finish() {}

  static ProgressDisplay choose(String mode, PrintStream err) {
    boolean terminal = "1".equals(System.getenv("KINO_STDERR_TTY"));
    return switch (mode) {
      case "none" -> new Silent(err);
      case "bar" -> new Bar(err);
      case "lines" -> new Lines(err);
      default -> terminal ? new Bar(err) : new Lines(err);
    };
  }

  static final class Silent extends ProgressDisplay {
    Silent(PrintStream err) {
      super(err);
    }

    @Override
    void show(RequestEvent event) {}
  }

  /** One line per change, nothing redrawn: for logs, pipes and CI. */
  static final class Lines extends ProgressDisplay {
    private int lastTenth = -1;

    Lines(PrintStream err) {
      super(err);
    }

    @Override
    void show(RequestEvent event) {
      switch (event.type()) {
        case "status" -> err.println("status: " + event.state().wire());
        case "queue" -> err.println("queue position: " + event.queuePosition().orElse(0));
        case "progress" -> {
          int tenth = (int) Math.floor(event.progress().orElse(0.0) * 10);
          if (tenth > lastTenth) {
            lastTenth = tenth;
            err.println("progress: " + tenth * 10 + "%");
          }
        }
        case "log" -> err.println("log: " + event.message().orElse(""));
        default -> {}
      }
      err.flush();
    }
  }

  /** A line redrawn with carriage returns: "queued, 3 ahead" then "[#######.......] 48%". */
  static final class Bar extends ProgressDisplay {
    private static final int WIDTH = 30;
    private String line = "";

    Bar(PrintStream err) {
      super(err);
    }

    @Override
    void show(RequestEvent event) {
      switch (event.type()) {
        case "status" ->
            draw(
                event.state() == RequestState.IN_QUEUE
                    ? "queued"
                    : event.state() == RequestState.IN_PROGRESS ? bar(0) : event.state().wire());
        case "queue" -> draw("queued, " + event.queuePosition().orElse(0) + " ahead");
        case "progress" -> draw(bar(event.progress().orElse(0.0)));
        case "log" -> {
          clear();
          err.println(event.message().orElse(""));
          draw(line);
        }
        default -> {}
      }
    }

    private static String bar(double fraction) {
      int filled = (int) Math.round(fraction * WIDTH);
      return "["
          + "#".repeat(filled)
          + ".".repeat(WIDTH - filled)
          + "] "
          + String.format(Locale.ROOT, "%3d%%", Math.round(fraction * 100));
    }

    private void draw(String text) {
      clear();
      line = text;
      err.print(text);
      err.flush();
    }

    private void clear() {
      err.print("\r" + " ".repeat(line.length()) + "\r");
    }

    @Override
    void finish() {
      if (!line.isEmpty()) {
        err.println();
      }
    }
  }
}
