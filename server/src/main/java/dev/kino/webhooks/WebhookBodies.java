package dev.kino.webhooks;

import dev.kino.jobs.Job;
import dev.kino.jobs.JobState;
import java.time.Instant;
import java.util.Optional;
import tools.jackson.databind.node.ObjectNode;

/**
 * The body of a job's webhook message for one of its state changes ({@code type}, e.g. {@code
 * request.completed}, as of {@code at}), in its callback's format: Kino's own, or the shape the
 * dialect the job was made in sends. Empty: that format sends nothing for this change.
 */
@FunctionalInterface
public interface WebhookBodies {
  Optional<ObjectNode> body(Job job, JobState state, String type, Instant at);
}
