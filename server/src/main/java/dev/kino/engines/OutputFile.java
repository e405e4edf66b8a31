package dev.kino.engines;

import java.nio.file.Path;

/** A file an engine produced, and the output field it belongs to ({@code video}, {@code image}). */
public record OutputFile(String field, Path path) {}
