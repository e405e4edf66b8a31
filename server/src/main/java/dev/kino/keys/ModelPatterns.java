package dev.kino.keys;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Which model ids a key may use: patterns where {@code *} stands for any characters (also {@code
 * /}), e.g. {@code kling/*} or {@code * /standard/*}; absent, every model.
 */
public record ModelPatterns(Optional<List<String>> patterns) {
  public static final ModelPatterns ALL = new ModelPatterns(Optional.empty());

  public ModelPatterns {
    patterns = patterns.map(List::copyOf);
  }

  public static ModelPatterns of(List<String> patterns) {
    return new ModelPatterns(Optional.of(patterns));
  }

  public boolean allows(String modelId) {
    return patterns.isEmpty()
        || patterns.get().stream().anyMatch(p -> regex(p).matcher(modelId).matches());
  }

  /** Why a pattern cannot be used, if so. */
  public static Optional<String> problem(String pattern) {
    if (pattern.isBlank()) {
      return Optional.of("must not be empty");
    }
    if (pattern.length() > 200) {
      return Optional.of("must be at most 200 characters");
    }
    return Optional.empty();
  }

  private static Pattern regex(String pattern) {
    StringBuilder regex = new StringBuilder();
    for (String part : pattern.split("\\*", -1)) {
      if (!regex.isEmpty()) {
        regex.append(".*");
      }
      regex.append(Pattern.quote(part));
    }
    return Pattern.compile(regex.toString());
  }
}
