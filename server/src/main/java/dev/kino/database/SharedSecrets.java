package dev.kino.database;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Signing keys kept in a cluster's PostgreSQL, so that every node signs and checks with the same
 * key (a file URL or an events token from one node works on another behind the load balancer). The
 * first node to need a key makes it; a node racing it keeps the first one written.
 */
public final class SharedSecrets {
  private SharedSecrets() {}

  public static byte[] loadOrCreate(Database db, String name) {
    byte[] fresh = new byte[32];
    new SecureRandom().nextBytes(fresh);
    String value =
        db.writes()
            .withHandle(
                h -> {
                  h.createUpdate(
                          "INSERT INTO shared_secrets (name, value) VALUES (:name, :value) ON CONFLICT (name) DO NOTHING")
                      .bind("name", name)
                      .bind("value", Base64.getEncoder().encodeToString(fresh))
                      .execute();
                  return h.createQuery("SELECT value FROM shared_secrets WHERE name = :name")
                      .bind("name", name)
                      .mapTo(String.class)
                      .one();
                });
    return Base64.getDecoder().decode(value);
  }
}
