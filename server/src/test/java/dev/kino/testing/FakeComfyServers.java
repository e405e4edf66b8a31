package dev.kino.testing;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/** The conformance suite's servers as {@link FakeComfyUi}s, with the kit's models copied here. */
public final class FakeComfyServers implements ComfyServers {
  /** A copy of {@code shared/comfyui/models}, so the suite runs where the kit is not. */
  public static final Path KIT_MODELS =
      Path.of(System.getProperty("user.dir")).resolve("src/test/resources/comfyui-kit");

  /** The kit's custom nodes ({@code shared/comfyui/custom_nodes/kino_kit_nodes}). */
  private static final String[] KIT_NODES = {"KinoKitTextColor", "KinoKitAnimate", "KinoKitFail"};

  private final List<FakeComfyUi> servers = new ArrayList<>();
  private final List<Boolean> bare = new ArrayList<>();

  public FakeComfyServers(int count) {
    for (int i = 0; i < count; i++) {
      servers.add(new FakeComfyUi());
      bare.add(false);
    }
  }

  /** The fake behind server {@code index}, for a test that looks inside. */
  public FakeComfyUi fake(int index) {
    return servers.get(index);
  }

  @Override
  public List<URI> urls() {
    return servers.stream().map(s -> URI.create(s.url())).toList();
  }

  @Override
  public Path models() {
    return KIT_MODELS;
  }

  @Override
  public boolean controllable() {
    return true;
  }

  @Override
  public void deleteOutputs() throws IOException {
    for (FakeComfyUi server : servers) {
      try (Stream<Path> files = Files.walk(server.outputDir())) {
        for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
          if (!file.equals(server.outputDir())) {
            Files.delete(file);
          }
        }
      }
    }
  }

  @Override
  public void kill(int index) {
    servers.get(index).kill();
  }

  @Override
  public void restart(int index) {
    FakeComfyUi dead = servers.get(index);
    dead.close();
    FakeComfyUi again = FakeComfyUi.onPortOf(dead);
    servers.set(index, bare.get(index) ? again.withoutNodes(KIT_NODES) : again);
  }

  @Override
  public int addWithoutCustomNodes() {
    servers.add(new FakeComfyUi().withoutNodes(KIT_NODES));
    bare.add(true);
    return servers.size() - 1;
  }

  @Override
  public void reviveAll() {
    for (int i = 0; i < servers.size(); i++) {
      if (!servers.get(i).isAlive()) {
        restart(i);
      }
    }
  }

  @Override
  public void close() {
    servers.forEach(FakeComfyUi::close);
  }
}
