package dev.kino.models;

import java.util.List;

/**
 * A request body does not satisfy its model's schema or rules; carries every problem found, not
 * just the first.
 */
public final class InvalidInputException extends RuntimeException {
  private final List<FieldProblem> problems;

  public InvalidInputException(List<FieldProblem> problems) {
    super(
        problems.size()
            + " invalid field(s), first: "
            + problems.getFirst().path()
            + ": "
            + problems.getFirst().message());
    this.problems = List.copyOf(problems);
  }

  public List<FieldProblem> problems() {
    return problems;
  }
}
