package dev.kino.keys;

import dev.kino.config.Settings;
import dev.kino.testing.PostgresServer;

/** {@link KeysApiContract} on a cluster's database, PostgreSQL. */
class PostgresKeysApiTest extends KeysApiContract {
  @Override
  Settings onDatabase(Settings settings) {
    return settings.withDatabase(PostgresServer.shared().newDatabase());
  }
}
