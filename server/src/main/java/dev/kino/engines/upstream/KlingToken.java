package dev.kino.engines.upstream;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JOSEObjectType;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.kino.engines.EngineException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;

/**
 * The bearer token Kling's API takes: a JWT signed HS256 with the account's secret key, issued by
 * its access key, valid from a few seconds ago (clocks differ) for half an hour. One token serves
 * every call until it is close to expiring; the keys never leave this object.
 */
final class KlingToken {
  static final Duration LIFETIME = Duration.ofMinutes(30);

  /** HS256 needs a key of at least 256 bits. */
  static final int MIN_SECRET_BYTES = 32;

  private static final Duration RENEW_BEFORE = Duration.ofMinutes(5);
  private static final Duration CLOCK_SKEW = Duration.ofSeconds(5);

  private final String accessKey;
  private final byte[] secretKey;
  private final Clock clock;
  private String token;
  private Instant expires = Instant.EPOCH;

  KlingToken(String accessKey, String secretKey, Clock clock) {
    this.accessKey = accessKey;
    this.secretKey = secretKey.getBytes(StandardCharsets.UTF_8);
    this.clock = clock;
  }

  synchronized String bearer() throws EngineException {
    Instant now = clock.instant();
    if (now.isAfter(expires.minus(RENEW_BEFORE))) {
      expires = now.plus(LIFETIME);
      token = sign(now, expires);
    }
    return token;
  }

  private String sign(Instant now, Instant until) throws EngineException {
    JWTClaimsSet claims =
        new JWTClaimsSet.Builder()
            .issuer(accessKey)
            .notBeforeTime(Date.from(now.minus(CLOCK_SKEW)))
            .expirationTime(Date.from(until))
            .build();
    SignedJWT jwt =
        new SignedJWT(
            new JWSHeader.Builder(JWSAlgorithm.HS256).type(JOSEObjectType.JWT).build(), claims);
    try {
      jwt.sign(new MACSigner(secretKey));
    } catch (JOSEException e) {
      // The only cause is a secret shorter than HS256 allows (32 bytes): a wrong key variable.
      throw new EngineException(
          dev.kino.engines.Failures.AUTH,
          "Kling's secret key cannot sign a token: " + e.getMessage());
    }
    return jwt.serialize();
  }
}
