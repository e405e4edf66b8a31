package dev.kino.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Path;
import java.util.List;

/**
 * ComfyUI servers for the ComfyUI engine's conformance suite, real or fake, with the Kino model
 * definitions of the ComfyUI test kit ({@code kino-kit/...}) and what the suite does to them from
 * outside: empty their output folders, kill one as {@code kill -9} would, start it again on the
 * same port.
 */
public interface ComfyServers extends AutoCloseable {

  /** The servers' base URLs, in a fixed order. */
  List<URI> urls();

  /** The kit's model definitions (and their workflows), for {@code --models-dir}. */
  Path models();

  /** Whether the suite may kill, restart and clean these servers (not someone else's ComfyUI). */
  boolean controllable();

  /** Deletes every file the servers have saved, as an operator's clean-up of output/ would. */
  void deleteOutputs() throws IOException;

  /** Stops server {@code index} at once: no goodbye on its sockets, its queue and history lost. */
  void kill(int index);

  /** Starts server {@code index} again on its port, and waits until it answers. */
  void restart(int index);

  /**
   * Starts one more server, without the kit's custom nodes (as ComfyUI's {@code
   * --disable-all-custom-nodes} runs), and returns its index.
   */
  int addWithoutCustomNodes();

  /** Restarts any server a test killed, so each test starts from a full pool. */
  void reviveAll();

  @Override
  void close();
}
