package dev.kino.engines.sandbox;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.regex.Pattern;

/**
 * A layer of the sandbox soundtrack, chosen by words in a shot's prompt ("rain", "waves", "bells",
 * ...). Each adds its sound into a stretch of the left and right channels; randomness comes from
 * the shot's seeded generator, so the same prompt and seed sound the same.
 */
enum SoundLayer {
  RAIN("rain\\w*|drizzle|downpour|storm\\w*") {
    @Override
    void add(float[] l, float[] r, int from, int to, SplittableRandom rng) {
      float ls = 0;
      float rs = 0;
      for (int i = from; i < to; i++) {
        ls += 0.45f * ((float) rng.nextDouble(-1, 1) - ls);
        rs += 0.45f * ((float) rng.nextDouble(-1, 1) - rs);
        l[i] += 0.25f * ls;
        r[i] += 0.25f * rs;
      }
    }
  },
  WAVES("waves?|surf|ocean|sea|shore\\w*|tide") {
    @Override
    void add(float[] l, float[] r, int from, int to, SplittableRandom rng) {
      float brown = 0;
      for (int i = from; i < to; i++) {
        brown = 0.995f * brown + 0.03f * (float) rng.nextDouble(-1, 1);
        double swell = Oscillators.sin(2 * Math.PI * 0.11 * (i - from) / Soundtrack.SAMPLE_RATE);
        float v = (float) (brown * (0.35 + 0.65 * swell * swell));
        l[i] += v;
        r[i] += 0.9f * v;
      }
    }
  },
  WIND("wind|winds|windy|breeze|gusts?|gusty") {
    @Override
    void add(float[] l, float[] r, int from, int to, SplittableRandom rng) {
      float low = 0;
      for (int i = from; i < to; i++) {
        low += 0.02f * ((float) rng.nextDouble(-1, 1) - low);
        double gust =
            0.6 + 0.4 * Oscillators.sin(2 * Math.PI * 0.23 * (i - from) / Soundtrack.SAMPLE_RATE);
        l[i] += (float) (1.2 * low * gust);
        r[i] += (float) (1.2 * low * (1.6 - gust));
      }
    }
  },
  BELLS("bells?|chimes?|church") {
    @Override
    void add(float[] l, float[] r, int from, int to, SplittableRandom rng) {
      double[] partials = {1.0, 2.76, 5.40, 8.93};
      double base = 520 + rng.nextInt(4) * 70;
      for (int strike = from + rng.nextInt(Soundtrack.SAMPLE_RATE / 2);
          strike < to;
          strike += 2 * Soundtrack.SAMPLE_RATE) {
        for (int p = 0; p < partials.length; p++) {
          Oscillators.decayingTone(
              l, r, strike, to, base * partials[p], 0.18 / (p + 1), 1.6 / (p + 1), 0.5);
        }
      }
    }
  },
  GUITAR("guitar\\w*|strum\\w*|acoustic") {
    @Override
    void add(float[] l, float[] r, int from, int to, SplittableRandom rng) {
      double[] chord = {196.0, 246.94, 293.66, 392.0, 293.66, 246.94};
      int step = Soundtrack.SAMPLE_RATE / 3;
      int note = rng.nextInt(chord.length);
      for (int pluck = from; pluck < to; pluck += step, note = (note + 1) % chord.length) {
        for (int h = 1; h <= 4; h++) {
          Oscillators.decayingTone(l, r, pluck, to, chord[note] * h, 0.12 / h, 0.9 / h, 0.35);
        }
      }
    }
  },
  CRICKETS("crickets?|cicadas?|night") {
    @Override
    void add(float[] l, float[] r, int from, int to, SplittableRandom rng) {
      int period = (int) (0.8 * Soundtrack.SAMPLE_RATE);
      int offset = rng.nextInt(period);
      for (int i = from; i < to; i++) {
        int inChirp = (i - from + offset) % period;
        if (inChirp < 0.15 * Soundtrack.SAMPLE_RATE && (inChirp / 800) % 2 == 0) {
          float v =
              (float) (0.07 * Oscillators.sin(2 * Math.PI * 4500.0 * i / Soundtrack.SAMPLE_RATE));
          l[i] += v;
          r[i] += 0.6f * v;
        }
      }
    }
  },
  BIRDS("birds?|birdsong|gulls?|seagulls?") {
    @Override
    void add(float[] l, float[] r, int from, int to, SplittableRandom rng) {
      int length = Soundtrack.SAMPLE_RATE / 10;
      for (int start = from + rng.nextInt(Soundtrack.SAMPLE_RATE);
          start + length < to;
          start += Soundtrack.SAMPLE_RATE / 2 + rng.nextInt(Soundtrack.SAMPLE_RATE)) {
        double phase = 0;
        double pan = rng.nextDouble();
        for (int i = 0; i < length; i++) {
          double f = 2200 + 1800 * i / (double) length;
          phase += 2 * Math.PI * f / Soundtrack.SAMPLE_RATE;
          double env = Oscillators.sin(Math.PI * i / length);
          float v = (float) (0.12 * env * Oscillators.sin(phase));
          l[start + i] += (float) (v * (1 - pan));
          r[start + i] += (float) (v * pan);
        }
      }
    }
  },
  FIRE("fire\\w*|crackl\\w*|campfire|fireplace|embers?") {
    @Override
    void add(float[] l, float[] r, int from, int to, SplittableRandom rng) {
      float bed = 0;
      float crack = 0;
      for (int i = from; i < to; i++) {
        bed += 0.05f * ((float) rng.nextDouble(-1, 1) - bed);
        if (rng.nextInt(1500) == 0) {
          crack = (float) rng.nextDouble(0.3, 0.8);
        }
        crack *= 0.93f;
        float v = 0.3f * bed + crack * (float) rng.nextDouble(-1, 1);
        l[i] += v;
        r[i] += v;
      }
    }
  },
  CITY("city|traffic|streets?|crowd\\w*") {
    @Override
    void add(float[] l, float[] r, int from, int to, SplittableRandom rng) {
      float rumble = 0;
      for (int i = from; i < to; i++) {
        rumble = 0.998f * rumble + 0.02f * (float) rng.nextDouble(-1, 1);
        l[i] += 0.5f * rumble;
        r[i] += 0.45f * rumble;
      }
    }
  };

  private final Pattern words;

  SoundLayer(String words) {
    this.words = Pattern.compile("\\b(" + words + ")\\b");
  }

  abstract void add(float[] left, float[] right, int from, int to, SplittableRandom rng);

  /** The layers a text asks for, in a fixed order. */
  static List<SoundLayer> in(String text) {
    String lower = text.toLowerCase(Locale.ROOT);
    List<SoundLayer> found = new ArrayList<>();
    for (SoundLayer layer : values()) {
      if (layer.words.matcher(lower).find()) {
        found.add(layer);
      }
    }
    return found;
  }

  String wire() {
    return name().toLowerCase(Locale.ROOT);
  }
}
