package dev.kino.models;

import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * One way to run a model: an engine with its settings, and what a job costs there. A definition
 * with {@code engine} has one route, named after its engine; one with {@code routes} has several,
 * tried as its {@link RoutePolicy} says.
 *
 * @param name unique within the model; recorded in each job the route takes
 * @param weight the route's share under the {@code weighted} policy (1 when not given)
 * @param pricing the route's own prices; empty: the definition's
 */
public record Route(
    String name, String engine, ObjectNode settings, Optional<ModelPricing> pricing, int weight) {}
