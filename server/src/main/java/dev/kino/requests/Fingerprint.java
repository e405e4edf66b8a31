package dev.kino.requests;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * What was asked, independent of key order and spacing: the model and the body as canonical JSON,
 * hashed; an {@code Idempotency-Key} replays only a request with the same fingerprint.
 */
final class Fingerprint {
  private Fingerprint() {}

  static String of(String modelId, JsonNode body) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      sha.update(modelId.getBytes(StandardCharsets.UTF_8));
      sha.update((byte) '\n');
      sha.update(JsonMapper.shared().writeValueAsBytes(canonical(body)));
      return HexFormat.of().formatHex(sha.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JDK has SHA-256", e);
    }
  }

  private static JsonNode canonical(JsonNode node) {
    if (node.isObject()) {
      TreeMap<String, JsonNode> sorted = new TreeMap<>();
      for (Map.Entry<String, JsonNode> field : node.properties()) {
        sorted.put(field.getKey(), canonical(field.getValue()));
      }
      ObjectNode out = JsonMapper.shared().createObjectNode();
      sorted.forEach(out::set);
      return out;
    }
    if (node.isArray()) {
      var out = JsonMapper.shared().createArrayNode();
      node.forEach(item -> out.add(canonical(item)));
      return out;
    }
    return node;
  }
}
