package dev.kino.jobs;

import tools.jackson.databind.node.ObjectNode;

/** What a successful run leaves behind: output storage keys and metadata about the run. */
public record Completion(ObjectNode output, ObjectNode metadata) {}
