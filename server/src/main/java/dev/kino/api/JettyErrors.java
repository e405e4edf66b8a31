package dev.kino.api;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.Callback;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Refusals Jetty makes itself, before a request reaches Kino's routes (a malformed URI such as
 * {@code %00}, a URI or headers too long, a bad Content-Length), in Kino's JSON error shape instead
 * of Jetty's HTML page, with the same security headers as every other answer.
 */
final class JettyErrors extends ErrorHandler {

  @Override
  protected void generateResponse(
      Request request,
      Response response,
      int code,
      String message,
      Throwable cause,
      Callback callback) {
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    SecurityHeaders.putAll(response.getHeaders()::put);
    response.write(true, ByteBuffer.wrap(body(code)), callback);
  }

  @Override
  public ByteBuffer badMessageError(int status, String reason, HttpFields.Mutable fields) {
    fields.put(new HttpField(HttpHeader.CONTENT_TYPE, "application/json"));
    SecurityHeaders.putAll((name, value) -> fields.put(new HttpField(name, value)));
    return ByteBuffer.wrap(body(status));
  }

  private static byte[] body(int status) {
    ObjectNode body = JsonMapper.shared().createObjectNode();
    body.put("error_code", errorCode(status));
    body.put("error_message", sentence(status));
    body.putObject("detail").put("reason", reason(status));
    return JsonMapper.shared().writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
  }

  /** Kino's own 400 serials are taken (400001-400006): Jetty's malformed request is 400007. */
  private static int errorCode(int status) {
    return status == 400 ? 400007 : status * 1000 + 1;
  }

  private static String reason(int status) {
    return switch (status) {
      case 400 -> "bad_request";
      case 413 -> "body_too_large";
      case 414 -> "uri_too_long";
      case 431 -> "headers_too_large";
      default -> "http_" + status;
    };
  }

  private static String sentence(int status) {
    return switch (status) {
      case 400 ->
          "the request could not be read as HTTP (a malformed URI, such as one with %00 or a bad"
              + " escape, or a bad Content-Length)";
      case 413 -> "the request body is larger than this server accepts";
      case 414 -> "the request URI is too long";
      case 431 -> "the request's headers are too large";
      default -> "the request was refused (HTTP " + status + ")";
    };
  }
}
