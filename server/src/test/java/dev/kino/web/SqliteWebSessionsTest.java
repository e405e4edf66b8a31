package dev.kino.web;

import dev.kino.config.Settings;

/** {@link WebSessionsContract} on the embedded default, SQLite. */
class SqliteWebSessionsTest extends WebSessionsContract {
  @Override
  Settings onDatabase(Settings settings) {
    return settings;
  }
}
