package dev.kino.models;

import tools.jackson.databind.node.ObjectNode;

/**
 * One model as an operator declares it in a definition file: what it is, which engine runs it and
 * with what settings, and the schemas of its input (normalised to valid JSON Schema) and output.
 *
 * @param source where the definition was read from, for messages
 */
public record ModelDefinition(
    String id,
    String title,
    String description,
    String category,
    String kind,
    String engine,
    ObjectNode engineSettings,
    ObjectNode inputSchema,
    ObjectNode outputSchema,
    String source) {}
