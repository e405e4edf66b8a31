package dev.kino.engines.routes;

import dev.kino.models.Route;
import dev.kino.models.RoutePolicy;
import java.util.ArrayList;
import java.util.List;

/**
 * The order in which a model's routes are offered a new job. {@code fallback}: as the definition
 * lists them. {@code weighted}: smooth weighted round robin picks the first (over any run of jobs
 * each route gets its share to within one job, interleaved rather than in blocks), then the others
 * in the definition's order, for when the first cannot take the job.
 */
final class RouteOrder {
  private final RoutePolicy.Kind policy;
  private final List<Route> routes;
  private final long[] current;
  private final long total;

  RouteOrder(RoutePolicy.Kind policy, List<Route> routes) {
    this.policy = policy;
    this.routes = List.copyOf(routes);
    this.current = new long[routes.size()];
    this.total = routes.stream().mapToLong(Route::weight).sum();
  }

  synchronized List<Route> next() {
    if (policy == RoutePolicy.Kind.FALLBACK) {
      return routes;
    }
    int best = 0;
    for (int i = 0; i < routes.size(); i++) {
      current[i] += routes.get(i).weight();
      if (current[i] > current[best]) {
        best = i;
      }
    }
    current[best] -= total;
    List<Route> order = new ArrayList<>(routes.size());
    order.add(routes.get(best));
    for (int i = 0; i < routes.size(); i++) {
      if (i != best) {
        order.add(routes.get(i));
      }
    }
    return order;
  }
}
