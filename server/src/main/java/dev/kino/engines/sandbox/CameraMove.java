package dev.kino.engines.sandbox;

import java.awt.geom.AffineTransform;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The camera move of a shot, chosen from the camera words in its prompt (the first one named wins).
 * Each move is the identity at the start of the shot, so an image-to-video's frame 0 is the start
 * image exactly.
 */
enum CameraMove {
  /** dolly-in, push in, zoom in: the frame grows toward its centre. */
  PUSH_IN("dolly[- ]?in|dollies in|push(es)?[- ]in|zoom(s|ing)?[- ]in|zooms? (slowly|gently)? ?in"),
  /** crane, pull-back, zoom out: the frame shrinks, revealing more around it. */
  PULL_BACK("crane|pull[- ]?backs?|pulls back|pulling back|zoom(s|ing)?[- ]out|dolly[- ]?out"),
  /** pan or tracking to the left. */
  PAN_LEFT("pan(s|ning)? (to the )?left|track(s|ing)? (to the )?left"),
  /** pan, tracking, truck, sweep: a lateral move (rightward unless told left). */
  PAN_RIGHT("pan(s|ning)?|track(s|ing)?( shot)?|truck(s|ing)?|sweep(s|ing)?"),
  /** tilt up: the view rises. */
  TILT_UP("tilt(s|ing)? up"),
  /** tilt down: the view sinks. */
  TILT_DOWN("tilt(s|ing)?( down)?"),
  /** orbit, arc shot: a slow rotation about the centre. */
  ORBIT("orbit(s|ing)?|arc shot|circles? around"),
  /** No camera word, or a locked-off shot. */
  STATIC("static|locked[- ]off|tripod");

  private final Pattern words;

  CameraMove(String words) {
    this.words = Pattern.compile("\\b(" + words + ")\\b");
  }

  /** The move named earliest in the text; {@link #STATIC} when none is. */
  static CameraMove detect(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    CameraMove best = STATIC;
    int earliest = Integer.MAX_VALUE;
    for (CameraMove move : values()) {
      Matcher m = move.words.matcher(lower);
      // Ties at one position go to the more specific move, which comes first in declaration order.
      if (m.find() && m.start() < earliest) {
        earliest = m.start();
        best = move;
      }
    }
    return best;
  }

  /** The wire name used in metadata ({@code push_in}, ...). */
  String wire() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The view transform {@code progress} (0..1) through the shot, for a frame of this size. */
  AffineTransform at(double progress, int width, int height) {
    double p = smooth(progress);
    double cx = width / 2.0;
    double cy = height / 2.0;
    AffineTransform t = new AffineTransform();
    switch (this) {
      case PUSH_IN -> scaleAbout(t, cx, cy, 1.0 + 0.22 * p);
      case PULL_BACK -> scaleAbout(t, cx, cy, 1.0 - 0.18 * p);
      case PAN_LEFT -> t.translate(0.12 * width * p, 0);
      case PAN_RIGHT -> t.translate(-0.12 * width * p, 0);
      case TILT_UP -> t.translate(0, 0.12 * height * p);
      case TILT_DOWN -> t.translate(0, -0.12 * height * p);
      case ORBIT -> {
        // StrictMath, not AffineTransform.rotate: its Math.sin may differ by an ulp between
        // interpreted and
        // compiled code, and the output must be the same bytes every time.
        double angle = StrictMath.toRadians(6 * p);
        double cos = StrictMath.cos(angle);
        double sin = StrictMath.sin(angle);
        t.setTransform(cos, sin, -sin, cos, cx - cos * cx + sin * cy, cy - sin * cx - cos * cy);
      }
      case STATIC -> {}
    }
    return t;
  }

  private static void scaleAbout(AffineTransform t, double cx, double cy, double s) {
    t.translate(cx, cy);
    t.scale(s, s);
    t.translate(-cx, -cy);
  }

  /** Ease in and out, as a camera operator would. */
  private static double smooth(double x) {
    double c = Math.max(0, Math.min(1, x));
    return c * c * (3 - 2 * c);
  }
}
