package dev.kino.engines.sandbox;

import dev.kino.media.Yuv420;
import java.awt.image.BufferedImage;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;

/**
 * Paints frames and converts them to YUV 4:2:0 on a thread of its own, a few frames ahead of the
 * encoder, so painting and encoding overlap on separate cores. The painter owns its one canvas;
 * finished frames travel in a small ring of reused YUV buffers, so memory stays flat however long
 * the video.
 */
final class FramePipeline implements AutoCloseable {
  private static final int BUFFERS = 3;
  private final BlockingQueue<ByteBuffer> free = new ArrayBlockingQueue<>(BUFFERS);
  private final BlockingQueue<ByteBuffer> ready = new ArrayBlockingQueue<>(BUFFERS);
  private final Thread painterThread;
  private final int posterFrame;
  private volatile BufferedImage poster;
  private volatile Throwable failure;

  FramePipeline(
      FramePainter painter,
      List<Shot> shots,
      int totalFrames,
      int width,
      int height,
      int posterFrame) {
    this.posterFrame = posterFrame;
    for (int i = 0; i < BUFFERS; i++) {
      free.add(Yuv420.allocate(width, height));
    }
    BufferedImage canvas = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
    this.painterThread =
        Thread.ofPlatform()
            .name("kino-sandbox-painter")
            .daemon()
            .start(() -> paintAll(painter, canvas, shots, totalFrames));
  }

  private void paintAll(
      FramePainter painter, BufferedImage canvas, List<Shot> shots, int totalFrames) {
    try {
      int shot = 0;
      for (int frame = 0; frame < totalFrames; frame++) {
        while (!shots.get(shot).contains(frame)) {
          shot++;
        }
        painter.paint(canvas, frame, shots.get(shot), shots.size());
        if (frame == posterFrame) {
          poster = copy(canvas);
        }
        ByteBuffer planes = free.take();
        Yuv420.convert(canvas, planes);
        ready.put(planes);
      }
    } catch (InterruptedException e) {
      // The render was stopped; the encoder side already knows.
    } catch (RuntimeException | Error e) {
      failure = e;
      ready.offer(ByteBuffer.allocate(0));
    }
  }

  /** The next frame's YUV planes, in order; hand them back with {@link #recycle} once encoded. */
  ByteBuffer next() throws InterruptedException {
    ByteBuffer planes = ready.take();
    if (failure != null) {
      throw new IllegalStateException("painting a frame failed: " + failure, failure);
    }
    return planes;
  }

  void recycle(ByteBuffer planes) {
    free.offer(planes);
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
    BufferedImage copy =
        new BufferedImage(source.getWidth(), source.getHeight(), BufferedImage.TYPE_3BYTE_BGR);
    source.copyData(copy.getRaster());
    return copy;
  }
}
