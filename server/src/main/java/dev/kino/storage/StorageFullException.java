package dev.kino.storage;

/** Work refused because the data directory's disk is under its minimum free space. */
public final class StorageFullException extends RuntimeException {
  public StorageFullException() {
    super(
        "the server's disk is full; nothing was stored: try again later (the request was not"
            + " accepted, so it is safe to send again)");
  }
}
