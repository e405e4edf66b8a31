package dev.kino.webhooks;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Standard Webhooks signatures (https://www.standardwebhooks.com): each API key has its own {@code
 * whsec_} secret, and a message is signed as {@code v1,} + base64 HMAC-SHA256 of {@code
 * id.timestamp.body} with the secret's decoded bytes.
 *
 * <p>Secrets are derived, not stored: HMAC of the node's webhook master secret and the key's id. So
 * the database holds no secret, and the same key always gets the same secret from {@link
 * #secretFor}.
 */
public final class WebhookSigner {
  static final String PREFIX = "whsec_";
  private final byte[] master;

  public WebhookSigner(byte[] master) {
    this.master = master.clone();
  }

  /**
   * The {@code whsec_...} secret of one API key (by its owner id), as {@code GET
   * /v1/webhooks/secret} shows.
   */
  public String secretFor(String owner) {
    byte[] derived =
        hmac(master, ("kino webhook secret\n" + owner).getBytes(StandardCharsets.UTF_8));
    return PREFIX + Base64.getEncoder().encodeToString(derived);
  }

  /** The {@code webhook-signature} header value for one attempt. */
  String signature(String owner, String messageId, long timestampSeconds, String body) {
    byte[] key = Base64.getDecoder().decode(secretFor(owner).substring(PREFIX.length()));
    byte[] mac =
        hmac(
            key,
            (messageId + "." + timestampSeconds + "." + body).getBytes(StandardCharsets.UTF_8));
    return "v1," + Base64.getEncoder().encodeToString(mac);
  }

  private static byte[] hmac(byte[] key, byte[] message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac.doFinal(message);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("every JDK has HmacSHA256", e);
    }
  }
}
