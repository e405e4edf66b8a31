package dev.kino.storage;

import java.nio.file.Path;

/** A stored file: where it is, how long it is, and the Content-Type to serve it with. */
public record StoredFile(Path path, long size, String contentType) {}
