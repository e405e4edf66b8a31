package dev.kino.engines.routes;

import dev.kino.engines.Engine;
import dev.kino.engines.EngineException;
import dev.kino.engines.EngineResult;
import dev.kino.engines.EngineTask;
import dev.kino.engines.Failures;
import dev.kino.engines.Reporter;
import dev.kino.engines.Slots;
import dev.kino.models.FieldProblem;
import dev.kino.models.InputRule;
import dev.kino.models.ModelDefinition;
import dev.kino.models.Route;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Engine {@code routes}: runs each model that has several routes on one of them. A new job is
 * offered to the routes in the policy's order ({@link RouteOrder}); a route whose circuit is open
 * ({@link CircuitBreaker}) or whose places are all taken is passed over. The job is bound to the
 * route that takes it before that route's engine is called ({@link Reporter#route}); when the route
 * fails for its own reasons ({@link Failures#failsOver}: busy, unreachable, out of quota, failing,
 * too slow) the next one takes the job, each move said in the job's log and kept in its metadata.
 * The user's own faults (invalid input, refused content) never move a job.
 *
 * <p>A job that a route had started (its engine recorded state) resumes on that route after a
 * crash, whatever the definitions say by then; if that route is gone the worker fails the job with
 * {@code route_removed} rather than guessing where its task is.
 */
public final class RoutedEngine implements Engine {
  private static final Duration SOON = Duration.ofSeconds(1);

  private final Map<String, RoutedModel> models = new LinkedHashMap<>();
  private final Slots capacity;
  private final Clock clock;

  /** One route of one model: its engine, the model as that engine knows it, and its circuit. */
  private record RouteAt(Route route, Engine engine, ModelDefinition view, CircuitBreaker breaker) {
    String name() {
      return route.name();
    }
  }

  private record RoutedModel(
      ModelDefinition definition, RouteOrder order, Map<String, RouteAt> routes) {}

  /**
   * @param routed the models with several routes
   * @param engines the node's engines by type (every route's must be there)
   * @param workers how many jobs an engine without places runs at once (the sandbox's workers)
   */
  public RoutedEngine(
      List<ModelDefinition> routed,
      Function<String, Optional<Engine>> engines,
      int workers,
      Clock clock) {
    this.clock = clock;
    Map<Engine, Integer> sizes = new IdentityHashMap<>();
    for (ModelDefinition definition : routed) {
      Map<String, RouteAt> routes = new LinkedHashMap<>();
      for (Route route : definition.routes()) {
        Engine engine = engines.apply(route.engine()).orElseThrow();
        sizes.put(engine, engine.slots().map(Slots::size).orElse(workers));
        routes.put(
            route.name(),
            new RouteAt(
                route,
                engine,
                definition.onRoute(route),
                new CircuitBreaker(
                    definition.policy().failures(), definition.policy().cooldown(), clock)));
      }
      models.put(
          definition.id(),
          new RoutedModel(
              definition, new RouteOrder(definition.policy().kind(), definition.routes()), routes));
    }
    // As many jobs at once as the routes' engines can run together.
    this.capacity = Slots.permits(Math.max(1, sizes.values().stream().mapToInt(i -> i).sum()));
  }

  @Override
  public Optional<Slots> slots() {
    return Optional.of(capacity);
  }

  @Override
  public boolean cancelsRunningJobs() {
    return models.values().stream()
        .flatMap(m -> m.routes().values().stream())
        .anyMatch(r -> r.engine().cancelsRunningJobs());
  }

  /** Why none of the model's routes can run it, when none can. */
  @Override
  public Optional<String> unavailable(ModelDefinition model) {
    RoutedModel routed = models.get(model.id());
    if (routed == null) {
      return Optional.empty();
    }
    List<String> reasons = new ArrayList<>();
    for (RouteAt route : routed.routes().values()) {
      Optional<String> why = route.engine().unavailable(route.view());
      if (why.isEmpty()) {
        return Optional.empty();
      }
      reasons.add("route " + route.name() + ": " + why.get());
    }
    return Optional.of(String.join("; ", reasons));
  }

  /** Every route's limits: a job accepted can be taken by any of them. */
  @Override
  public Optional<InputRule> inputRule(ModelDefinition model) {
    RoutedModel routed = models.get(model.id());
    if (routed == null) {
      return Optional.empty();
    }
    List<InputRule> rules = new ArrayList<>();
    routed.routes().values().forEach(r -> r.engine().inputRule(r.view()).ifPresent(rules::add));
    if (rules.isEmpty()) {
      return Optional.empty();
    }
    return Optional.of(
        input -> {
          List<FieldProblem> problems = new ArrayList<>();
          rules.forEach(
              rule ->
                  rule.check(input).stream()
                      .filter(p -> !problems.contains(p))
                      .forEach(problems::add));
          return problems;
        });
  }

  /** Each route's circuit, for operators. */
  @Override
  public Optional<ObjectNode> health(ModelDefinition model) {
    RoutedModel routed = models.get(model.id());
    if (routed == null) {
      return Optional.empty();
    }
    ObjectNode health = JsonMapper.shared().createObjectNode();
    health.put(
        "policy", routed.definition().policy().kind().name().toLowerCase(java.util.Locale.ROOT));
    ArrayNode list = health.putArray("routes");
    for (RouteAt route : routed.routes().values()) {
      CircuitBreaker.State state = route.breaker().state();
      ObjectNode r = list.addObject();
      r.put("name", route.name());
      r.put("engine", route.route().engine());
      r.put("weight", route.route().weight());
      r.put("circuit", state.name());
      r.put("consecutive_failures", state.failures());
      state.openUntil().ifPresent(t -> r.put("open_until", t.toString()));
      route.engine().unavailable(route.view()).ifPresent(why -> r.put("unavailable_reason", why));
    }
    return Optional.of(health);
  }

  @Override
  public EngineResult run(EngineTask task, Reporter reporter)
      throws EngineException, InterruptedException {
    RoutedModel model = models.get(task.modelId());
    if (model == null) {
      throw new EngineException(
          "model_unavailable", "no routes for " + task.modelId() + " on this node");
    }
    Optional<RouteAt> resumed = resumed(model, task);
    List<RouteAt> order = new ArrayList<>();
    resumed.ifPresent(order::add);
    for (Route route : model.order().next()) {
      RouteAt at = model.routes().get(route.name());
      if (!order.contains(at)) {
        order.add(at);
      }
    }
    Tries tries = new Tries();
    for (int i = 0; i < order.size(); i++) {
      RouteAt route = order.get(i);
      boolean resuming = resumed.isPresent() && i == 0;
      CircuitBreaker.Admission admission =
          resuming ? CircuitBreaker.Admission.CLOSED : route.breaker().admit();
      if (admission == CircuitBreaker.Admission.REFUSED) {
        reporter.log(
            "route " + route.name() + " skipped: its circuit is open after repeated failures");
        tries.skipped(route, route.breaker().reopensAt().orElse(clock.instant()));
        continue;
      }
      Slots.Slot slot = place(route, task.modelId(), reporter);
      if (slot == null) {
        route.breaker().neither();
        reporter.log("route " + route.name() + " skipped: every place it has is taken");
        tries.full(route);
        continue;
      }
      try (slot) {
        reporter.route(route.name());
        reporter.log(
            (resuming ? "resuming on route " : "route ")
                + route.name()
                + (resuming ? "" : " takes the job")
                + (admission == CircuitBreaker.Admission.PROBE
                    ? " (a probe: its circuit was open)"
                    : ""));
        EngineResult result =
            route
                .engine()
                .run(
                    task.onRoute(
                        route.name(),
                        route.route().settings(),
                        resuming ? task.state() : Optional.empty(),
                        slot,
                        i < order.size() - 1),
                    reporter);
        route.breaker().succeeded();
        ObjectNode metadata = result.metadata().deepCopy();
        metadata.put("route", route.name());
        if (!tries.left.isEmpty()) {
          metadata.set("routes_tried", tries.left.deepCopy());
        }
        return new EngineResult(result.files(), metadata);
      } catch (EngineException e) {
        if (Failures.isRouteFailure(e.code())) {
          route.breaker().failed();
        } else {
          route.breaker().neither();
        }
        if (!Failures.failsOver(e.code())) {
          throw tries.withRoutes(e);
        }
        reporter.log("route " + route.name() + " left: " + e.code() + ": " + e.getMessage());
        tries.left(route, e);
      } catch (InterruptedException | RuntimeException | Error e) {
        route.breaker().neither();
        throw e;
      }
    }
    throw tries.none(model, reporter);
  }

  /**
   * The route to resume on: the job's bound route when its engine recorded state there (a task it
   * had started). Without state the job had started nothing, and the policy decides afresh. (A
   * bound route no longer defined fails the job before any engine runs: {@code route_removed}.)
   */
  private static Optional<RouteAt> resumed(RoutedModel model, EngineTask task) {
    if (task.route().isEmpty() || task.state().filter(s -> !s.isEmpty()).isEmpty()) {
      return Optional.empty();
    }
    return Optional.ofNullable(model.routes().get(task.route().get()));
  }

  /**
   * A free place of the route's engine that can run the model, and in a cluster one of the shared
   * places it stands for (so a provider account's concurrency counts every node's jobs); or null.
   */
  private static Slots.Slot place(RouteAt route, String modelId, Reporter reporter)
      throws InterruptedException {
    if (route.engine().slots().isEmpty()) {
      return Slots.ANYWHERE;
    }
    Slots.Slot slot = route.engine().slots().get().take(Duration.ZERO);
    if (slot != null && (!slot.runs(modelId) || !reporter.holdPlace(slot.places()))) {
      slot.close();
      return null;
    }
    return slot;
  }

  /** What became of the routes tried for one job. */
  private final class Tries {
    final ArrayNode left = JsonMapper.shared().createArrayNode();
    Instant reopens;
    boolean onlyFullOrBusy = true;
    Duration soonest;
    EngineException last;

    void skipped(RouteAt route, Instant reopensAt) {
      reopens = reopens == null || reopensAt.isBefore(reopens) ? reopensAt : reopens;
      left.addObject().put("route", route.name()).put("code", "circuit_open");
    }

    void full(RouteAt route) {
      soonest = soonest == null ? SOON : soonest;
      left.addObject().put("route", route.name()).put("code", "route_full");
    }

    void left(RouteAt route, EngineException e) {
      left.addObject()
          .put("route", route.name())
          .put("code", e.code())
          .put("message", e.getMessage());
      if (e.retryAfter().isPresent()) {
        soonest =
            soonest == null || e.retryAfter().get().compareTo(soonest) < 0
                ? e.retryAfter().get()
                : soonest;
      } else {
        onlyFullOrBusy = false;
      }
      last = e;
    }

    /** A failure with the routes the job tried before it. */
    EngineException withRoutes(EngineException e) {
      if (!left.isEmpty()) {
        ObjectNode detail =
            e.detail().map(ObjectNode::deepCopy).orElseGet(JsonMapper.shared()::createObjectNode);
        detail.set("routes_tried", left.deepCopy());
        e.withDetail(detail);
      }
      return e;
    }

    /**
     * No route took the job. Every route full or busy, or skipped by its circuit: back in the queue
     * (no attempt used) until the soonest one may take it; bound to no route in particular.
     * Otherwise the last route's failure.
     */
    EngineException none(RoutedModel model, Reporter reporter) throws InterruptedException {
      if (last == null || onlyFullOrBusy) {
        Duration wait = soonest;
        if (reopens != null) {
          Duration untilProbe = Duration.between(clock.instant(), reopens);
          Duration probe = untilProbe.isNegative() ? SOON : untilProbe;
          wait = wait == null || probe.compareTo(wait) < 0 ? probe : wait;
        }
        wait = wait == null ? SOON : wait;
        // Bound to no route in particular: the next attempt is placed afresh by the policy.
        reporter.route(model.definition().routeName());
        reporter.checkpoint(JsonMapper.shared().createObjectNode());
        String code = last == null && soonest == null ? Failures.UNAVAILABLE : Failures.BUSY;
        return withRoutes(
            EngineException.later(
                code,
                "no route of "
                    + model.definition().id()
                    + " can take the job now; back in the queue for "
                    + Math.max(1, wait.toSeconds())
                    + " s",
                wait));
      }
      return withRoutes(last);
    }
  }
}
