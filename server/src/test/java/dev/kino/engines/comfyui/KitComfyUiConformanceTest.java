package dev.kino.engines.comfyui;

import static org.assertj.core.api.Assertions.assertThat;

import dev.kino.testing.ComfyServers;
import dev.kino.testing.FakeComfyServers;
import dev.kino.testing.KitComfyServers;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * The ComfyUI conformance suite against the real ComfyUI program: two instances of the test kit
 * ({@code shared/comfyui}, found beside the checkout or at {@code KINO_COMFYUI_KIT}) started for
 * this class, or the operator's own servers named in {@code KINO_TEST_COMFYUI} (with the kit's
 * custom nodes installed; the tests that kill a server are then skipped). Without either, the class
 * is skipped and says why. Where the kit is present it must run: CI checks that it did.
 */
class KitComfyUiConformanceTest extends ComfyUiConformance {
  @Override
  ComfyServers startServers() {
    Optional<List<java.net.URI>> own = KitComfyServers.ownServers();
    if (own.isPresent()) {
      return KitComfyServers.own(own.get());
    }
    Optional<Path> kit = KitComfyServers.kit();
    Assumptions.assumeTrue(
        kit.isPresent(),
        "no ComfyUI test kit (shared/comfyui beside the checkout, or KINO_COMFYUI_KIT) and no"
            + " KINO_TEST_COMFYUI servers: the suite ran against the fake only");
    return KitComfyServers.start(kit.get(), 2);
  }

  @Test
  void the_fake_suite_uses_the_kits_own_model_definitions() throws IOException {
    Optional<Path> kit = KitComfyServers.kit();
    Assumptions.assumeTrue(kit.isPresent(), "no kit to compare with");
    Path theirs = kit.get().resolve("models");
    try (Stream<Path> files = Files.walk(theirs)) {
      for (Path file : files.filter(Files::isRegularFile).toList()) {
        Path ours = FakeComfyServers.KIT_MODELS.resolve(theirs.relativize(file).toString());
        assertThat(ours).as("copy of " + file).exists().hasSameBinaryContentAs(file);
      }
    }
  }
}
