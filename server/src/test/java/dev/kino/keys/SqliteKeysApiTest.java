package dev.kino.keys;

import dev.kino.config.Settings;

/** {@link KeysApiContract} on the embedded default, SQLite. */
class SqliteKeysApiTest extends KeysApiContract {
  @Override
  Settings onDatabase(Settings settings) {
    return settings;
  }
}
