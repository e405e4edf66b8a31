package dev.kino.jobs;

import tools.jackson.databind.node.ObjectNode;

/**
 * What a successful run leaves behind: output storage keys, metadata about the run, and what it
 * used (recorded with the completion, once).
 */
public record Completion(ObjectNode output, ObjectNode metadata, Usage usage) {}
