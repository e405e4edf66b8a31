package dev.kino.web;

import dev.kino.config.Settings;
import dev.kino.testing.PostgresServer;

/** {@link WebSessionsContract} on a cluster's database, PostgreSQL. */
class PostgresWebSessionsTest extends WebSessionsContract {
  @Override
  Settings onDatabase(Settings settings) {
    return settings.withDatabase(PostgresServer.shared().newDatabase());
  }
}
