package dev.kino.models;

import java.util.List;

/**
 * A request body does not satisfy its model's schema or rules; carries the problems found, every
 * one up to {@link #MAX_LISTED} (a body can hold hundreds of thousands of mistakes, and answering
 * each would let one request fill the server's memory), and how many there were in all.
 */
public final class InvalidInputException extends RuntimeException {
  /** How many problems are listed at most; the rest are only counted. */
  public static final int MAX_LISTED = 50;

  private final List<FieldProblem> problems;
  private final int total;

  public InvalidInputException(List<FieldProblem> problems) {
    this(problems, problems.size());
  }

  /** {@code total}: how many problems there were, of which {@code problems} are the first. */
  public InvalidInputException(List<FieldProblem> problems, int total) {
    super(
        total
            + " invalid field(s), first: "
            + problems.getFirst().path()
            + ": "
            + problems.getFirst().message());
    this.problems = List.copyOf(problems.subList(0, Math.min(problems.size(), MAX_LISTED)));
    this.total = Math.max(total, this.problems.size());
  }

  /** The first problems found, at most {@link #MAX_LISTED}. */
  public List<FieldProblem> problems() {
    return problems;
  }

  /** How many problems were found in all. */
  public int total() {
    return total;
  }
}
