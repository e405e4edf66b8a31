package dev.kino.cli.user;

import dev.kino.client.RequestResult;
import dev.kino.client.RequestStatus;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** How the user commands print: the server's JSON with --json, short readable text otherwise. */
final class Printing {
  private Printing() {}

  static void json(PrintWriter out, JsonNode body) {
    out.println(JsonMapper.shared().writerWithDefaultPrettyPrinter().writeValueAsString(body));
    out.flush();
  }

  static void result(PrintWriter out, RequestResult result, boolean asJson) {
    if (asJson) {
      json(out, result.raw());
      return;
    }
    out.println(result.requestId() + "  " + result.state().wire());
    for (Map.Entry<String, List<String>> field : result.outputs().all().entrySet()) {
      if (!field.getKey().endsWith("s")
          || !result
              .outputs()
              .all()
              .containsKey(field.getKey().substring(0, field.getKey().length() - 1))) {
        field.getValue().forEach(url -> out.println(field.getKey() + ": " + url));
      }
    }
    result
        .errorCode()
        .ifPresent(code -> out.println("error: " + code + ": " + result.errorMessage().orElse("")));
    out.flush();
  }

  static void status(PrintWriter out, RequestStatus status, boolean asJson) {
    if (asJson) {
      json(out, status.raw());
      return;
    }
    StringBuilder line = new StringBuilder(status.requestId() + "  " + status.state().wire());
    status
        .queuePosition()
        .ifPresent(
            p ->
                line.append("  (")
                    .append(p)
                    .append(p == 1 ? " request" : " requests")
                    .append(" ahead)"));
    status.progress().ifPresent(p -> line.append(String.format(Locale.ROOT, "  %.0f%%", p * 100)));
    out.println(line);
    JsonNode raw = status.raw();
    for (String field : new String[] {"model_id", "created_at", "started_at", "finished_at"}) {
      if (raw.hasNonNull(field)) {
        out.println("  " + field.replace('_', ' ') + ": " + raw.get(field).asString());
      }
    }
    if (status.attempt() > 0) {
      out.println("  attempt: " + status.attempt());
    }
    status.logs().forEach(l -> out.println("  log: " + l));
    out.flush();
  }

  /** A plain table: columns padded to their widest cell, the last one left as is. */
  static void table(PrintWriter out, List<String> header, List<List<String>> rows) {
    List<List<String>> all = new ArrayList<>();
    all.add(header);
    all.addAll(rows);
    int[] widths = new int[header.size()];
    for (List<String> row : all) {
      for (int i = 0; i < row.size() - 1; i++) {
        widths[i] = Math.max(widths[i], row.get(i).length());
      }
    }
    for (List<String> row : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < row.size(); i++) {
        String cell = row.get(i);
        line.append(i == row.size() - 1 ? cell : cell + " ".repeat(widths[i] - cell.length() + 2));
      }
      out.println(line.toString().stripTrailing());
    }
    out.flush();
  }
}
