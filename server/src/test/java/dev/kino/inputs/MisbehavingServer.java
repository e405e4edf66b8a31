package dev.kino.inputs;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A loopback HTTP/1.1 server written on a raw socket, so it can break the protocol the way hostile
 * or broken file hosts do: endless bodies, lying Content-Length, trickling, silence after the
 * headers. Stands in for the remote servers input URLs point at.
 */
final class MisbehavingServer implements AutoCloseable {
  /** What to do with one connection once its request has been read. */
  interface Behaviour {
    void respond(OutputStream out) throws IOException, InterruptedException;
  }

  private final ServerSocket socket;
  final AtomicInteger connections = new AtomicInteger();

  MisbehavingServer(Behaviour behaviour) throws IOException {
    socket = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
    Thread.ofVirtual()
        .start(
            () -> {
              while (!socket.isClosed()) {
                try {
                  Socket client = socket.accept();
                  connections.incrementAndGet();
                  Thread.ofVirtual()
                      .start(
                          () -> {
                            try (client) {
                              readRequestHead(client);
                              behaviour.respond(client.getOutputStream());
                            } catch (IOException | InterruptedException gone) {
                              // The fetcher hung up on us, which is the point of most tests.
                            }
                          });
                } catch (IOException closed) {
                  return;
                }
              }
            });
  }

  String url(String path) {
    return "http://127.0.0.1:" + socket.getLocalPort() + path;
  }

  static void head(OutputStream out, String... headers) throws IOException {
    StringBuilder head =
        new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\n");
    for (String header : headers) {
      head.append(header).append("\r\n");
    }
    out.write(head.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  private static void readRequestHead(Socket client) throws IOException {
    var in = client.getInputStream();
    int matched = 0;
    byte[] end = {'\r', '\n', '\r', '\n'};
    while (matched < 4) {
      int b = in.read();
      if (b < 0) {
        throw new IOException("request ended early");
      }
      matched = b == end[matched] ? matched + 1 : (b == '\r' ? 1 : 0);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
