package dev.kino.network;

import java.io.IOException;

/**
 * The address policy refused every address a host resolves to (an internal or special range), at
 * the moment of connecting.
 */
public final class ForbiddenAddressException extends IOException {
  ForbiddenAddressException(String message) {
    super(message);
  }
}
