package dev.kino.engines.upstream;

import dev.kino.engines.EngineException;
import dev.kino.engines.EngineTask;
import dev.kino.models.InputRule;
import dev.kino.models.ModelDefinitionException;
import java.io.IOException;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One provider's protocol: how a task is started, followed, fetched and cancelled there. {@link
 * UpstreamEngine} does the rest for every provider (queue, concurrency, waiting out outages,
 * recording, keeping outputs).
 *
 * <p>A task is named by a ticket: the JSON a provider needs to find its task again (request id,
 * URLs), recorded in the job so that a job claimed again after a crash follows the task instead of
 * starting a second one. The calls throw {@link ProviderHttp.Busy}, {@link ProviderHttp.Refused}
 * and {@link IOException} as {@link ProviderHttp} reads them.
 */
interface Provider extends AutoCloseable {

  /** The engine type this provider is, as model definitions name it. */
  String engine();

  /** Where and with which keys a model's definition reaches this provider. */
  UpstreamModel.Account account();

  /**
   * Refuses, at start-up, settings this provider cannot work with (a {@link
   * ModelDefinitionException}).
   */
  default void check(UpstreamModel model) {}

  /** What the provider cannot take that the model's schema allows; checked at submit. */
  default Optional<InputRule> inputRule(UpstreamModel model) {
    return Optional.empty();
  }

  /**
   * One cheap call with the model's keys that spends nothing (listing models, reading the account),
   * made at start-up so that a refused key is reported then rather than at the first job; does
   * nothing where the provider has no such call.
   */
  default void verify(UpstreamModel model)
      throws IOException, InterruptedException, ProviderHttp.Busy, ProviderHttp.Refused {}

  /** Whether a task the provider has started can be cancelled there. */
  boolean cancels();

  /** The ticket in a job's recorded state, when an earlier attempt started the task. */
  Optional<ObjectNode> ticket(ObjectNode state);

  /** The recorded state as the ticket, when it has the field naming the provider's task. */
  static Optional<ObjectNode> ticketWith(ObjectNode state, String idField) {
    return state.path(idField).asString("").isBlank() ? Optional.empty() : Optional.of(state);
  }

  /**
   * Starts the job's task and returns its ticket. Whatever lets a later attempt find a task this
   * call may have started is recorded with {@code run.record} before the call that starts it.
   */
  ObjectNode start(UpstreamModel model, EngineTask task, RunState run)
      throws IOException,
          InterruptedException,
          ProviderHttp.Busy,
          ProviderHttp.Refused,
          EngineException;

  Poll poll(UpstreamModel model, ObjectNode ticket)
      throws IOException, InterruptedException, ProviderHttp.Busy, ProviderHttp.Refused;

  /** Asks the provider to stop the task; true when it did (or will: it was still queued there). */
  boolean cancel(UpstreamModel model, ObjectNode ticket)
      throws IOException, InterruptedException, ProviderHttp.Busy, ProviderHttp.Refused;

  /**
   * The finished task's outputs, fetched by the provider's own calls when only it can serve them
   * (with its key, from its own origin); empty: Kino fetches the output's URLs itself, under the
   * input rules.
   */
  default Optional<List<dev.kino.engines.OutputFile>> keep(
      UpstreamModel model, ObjectNode ticket, java.nio.file.Path workDir)
      throws IOException,
          InterruptedException,
          ProviderHttp.Busy,
          ProviderHttp.Refused,
          EngineException {
    return Optional.empty();
  }

  /**
   * What a refused call means in Kino's codes ({@link dev.kino.engines.Failures}): by default its
   * HTTP status says; a provider whose answers carry their own codes reads them.
   */
  default ProviderFailure refusal(ProviderHttp.Refused refused) {
    return ProviderFailure.ofStatus(refused);
  }

  /** What a task the provider failed means in Kino's codes: by default, the provider's failure. */
  default ProviderFailure failure(Poll.Failed failed) {
    return new ProviderFailure(dev.kino.engines.Failures.FAILED, failed.message());
  }

  /** The provider's id of the task, for logs and the job's metadata. */
  String taskId(ObjectNode ticket);

  @Override
  void close();

  /** Where a task stands at the provider. */
  sealed interface Poll {
    /** Waiting there; position -1 when the provider does not say. */
    record Queued(long position) implements Poll {}

    /**
     * Running; progress 0..1 or -1 when not reported; every log line the provider has for the task
     * so far.
     */
    record Running(double progress, List<String> lines) implements Poll {}

    /** Finished; output in the seed shape ({@code video}: a URL, or an object with {@code url}). */
    record Done(JsonNode output) implements Poll {}

    /**
     * The provider failed the task; {@code error}: its error as it gave it, for {@link #failure}.
     */
    record Failed(String message, JsonNode error) implements Poll {
      Failed(String message) {
        this(message, tools.jackson.databind.node.MissingNode.getInstance());
      }
    }

    record Cancelled() implements Poll {}
  }
}
