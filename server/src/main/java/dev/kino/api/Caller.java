package dev.kino.api;

import dev.kino.keys.KeyLimits;
import dev.kino.keys.ModelPatterns;

/**
 * Who is calling: the owner id their jobs are filed under, whether they hold an admin key, the
 * limits that hold for them (their key's, else the server's defaults for user keys) and the models
 * they may use.
 */
record Caller(String ownerId, boolean admin, KeyLimits limits, ModelPatterns models) {
  static final String MODEL_NOT_ALLOWED = "model_not_allowed";

  /** An admin key with no limits: the operator's {@code KINO_ADMIN_KEY}. */
  static Caller operator(String ownerId) {
    return new Caller(ownerId, true, KeyLimits.NONE, ModelPatterns.ALL);
  }

  /** Refuses a model this caller's key may not use (403, the seed's permission denied). */
  void requireModel(String modelId) {
    if (!models.allows(modelId)) {
      throw ApiException.forbidden(
          MODEL_NOT_ALLOWED,
          "this API key may use only models matching "
              + String.join(", ", models.patterns().orElseThrow())
              + "; "
              + modelId
              + " is not one of them");
    }
  }

  /** Refuses a caller without an admin key (403). */
  void requireAdmin() {
    if (!admin) {
      throw ApiException.forbidden("admin_key_required", "this route needs an admin API key");
    }
  }
}
