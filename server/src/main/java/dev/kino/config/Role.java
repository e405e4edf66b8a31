package dev.kino.config;

/** What one node of a deployment does: everything (the default), only the API, or only run jobs. */
public enum Role {
  /** {@code kino serve}: the HTTP API and workers. */
  API_AND_WORKERS,
  /**
   * {@code kino serve --no-workers}: the HTTP API; jobs are accepted, queued and served, never run
   * here.
   */
  API,
  /**
   * {@code kino worker}: workers only, no HTTP API; needs the cluster's database to find jobs in.
   */
  WORKERS;

  public boolean servesApi() {
    return this != WORKERS;
  }

  public boolean runsJobs() {
    return this != API;
  }
}
