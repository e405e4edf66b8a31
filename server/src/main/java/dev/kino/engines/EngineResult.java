package dev.kino.engines;

import java.util.List;
import tools.jackson.databind.node.ObjectNode;

/** What a run produced: files, and metadata about the run that the result response shows. */
public record EngineResult(List<OutputFile> files, ObjectNode metadata) {}
