package dev.kino.cli.user;

/** What the user commands exit with; documented in docs/clients.md. */
public final class ExitCodes {
  private ExitCodes() {}

  /** The request completed (run --wait, result), or the command did what it says. */
  public static final int OK = 0;

  /** Something unexpected; the message says what. */
  public static final int ERROR = 1;

  /**
   * Invalid input: a bad flag, or a value the model's schema refuses (the schema's message is
   * printed).
   */
  public static final int INVALID_INPUT = 2;

  /** The request failed. */
  public static final int FAILED = 3;

  /** The request was cancelled. */
  public static final int CANCELLED = 4;

  /** No such model or request (for this key). */
  public static final int NOT_FOUND = 5;

  /** The API key is missing, unknown or revoked. */
  public static final int UNAUTHORIZED = 6;

  /** The server could not be reached (after retries). */
  public static final int UNREACHABLE = 7;

  /** run --timeout passed before the request ended (it carries on). */
  public static final int TIMEOUT = 8;

  /** result: the request has not finished yet. */
  public static final int NOT_FINISHED = 9;

  /** cancel: the request had already started or ended. */
  public static final int NOT_CANCELLABLE = 10;
}
