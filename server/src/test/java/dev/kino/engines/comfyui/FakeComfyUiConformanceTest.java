package dev.kino.engines.comfyui;

import dev.kino.testing.ComfyServers;
import dev.kino.testing.FakeComfyServers;

/** The ComfyUI conformance suite against two {@link dev.kino.testing.FakeComfyUi}s. */
class FakeComfyUiConformanceTest extends ComfyUiConformance {
  @Override
  ComfyServers startServers() {
    return new FakeComfyServers(2);
  }
}
