package dev.kino.engines.sandbox;

import java.awt.image.BufferedImage;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Paints frames on a thread of its own, a few frames ahead of the encoder, so painting and encoding overlap on
 * separate cores. Frames live in a small ring of reused canvases: memory stays flat however long the video.
 */
final class FramePipeline implements AutoCloseable {
  private static final int CANVASES = 3;
  private final BlockingQueue<BufferedImage> free = new ArrayBlockingQueue<>(CANVASES);
  private final BlockingQueue<BufferedImage> ready = new ArrayBlockingQueue<>(CANVASES);
  private final Thread painterThread;
  private final int posterFrame;
  private volatile BufferedImage poster;
  private volatile Throwable failure;

  FramePipeline(FramePainter painter, List<Shot> shots, int totalFrames, int width, int height, int posterFrame) {
    this.posterFrame = posterFrame;
    for (int i = 0; i < CANVASES; i++) {
      free.add(new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR));
    }
    this.painterThread =
        Thread.ofPlatform()
            .name("kino-sandbox-painter")
            .daemon()
            .start(() -> paintAll(painter, shots, totalFrames));
  }

  private void paintAll(FramePainter painter, List<Shot> shots, int totalFrames) {
    try {
      int shot = 0;
      for (int frame = 0; frame < totalFrames; frame++) {
        while (!shots.get(shot).contains(frame)) {
          shot++;
        }
        BufferedImage canvas = free.take();
        painter.paint(canvas, frame, shots.get(shot), shots.size());
        if (frame == posterFrame) {
          poster = copy(canvas);
        }
        ready.put(canvas);
      }
    } catch (InterruptedException e) {
      // The render was stopped; the encoder side already knows.
    } catch (RuntimeException | Error e) {
      failure = e;
      ready.offer(new BufferedImage(1, 1, BufferedImage.TYPE_3BYTE_BGR));
    }
  }

  /** The next painted frame, in order; hand it back with {@link #recycle} once encoded. */
  BufferedImage next() throws InterruptedException {
    BufferedImage canvas = ready.take();
    if (failure != null) {
      throw new IllegalStateException("painting a frame failed: " + failure, failure);
    }
    return canvas;
  }

  void recycle(BufferedImage canvas) {
    free.offer(canvas);
  }

  /** A copy of the poster frame, once it has been painted. */
  BufferedImage poster() {
    return poster;
  }

  @Override
  public void close() {
    painterThread.interrupt();
  }

  private static BufferedImage copy(BufferedImage source) {
    BufferedImage copy = new BufferedImage(source.getWidth(), source.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
    source.copyData(copy.getRaster());
    return copy;
  }
}
