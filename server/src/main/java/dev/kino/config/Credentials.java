package dev.kino.config;

import java.util.Map;
import java.util.Optional;
import java.util.function.UnaryOperator;

/**
 * Where engines find the secrets their model definitions name (an upstream provider's API key,
 * say): the process environment, or a map in tests. Definitions hold only the variable's name,
 * never the secret, and this object never shows a value, so settings can be logged safely.
 */
public final class Credentials {
  private final UnaryOperator<String> lookup;

  private Credentials(UnaryOperator<String> lookup) {
    this.lookup = lookup;
  }

  public static Credentials fromEnvironment() {
    return new Credentials(System::getenv);
  }

  public static Credentials of(Map<String, String> values) {
    Map<String, String> copy = Map.copyOf(values);
    return new Credentials(copy::get);
  }

  /** The variable's value, when it is set and not blank. */
  public Optional<String> find(String name) {
    return Optional.ofNullable(lookup.apply(name)).filter(v -> !v.isBlank());
  }

  @Override
  public String toString() {
    return "Credentials(values not shown)";
  }
}
