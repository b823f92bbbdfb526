package dev.pier.server.web;

import dev.pier.server.common.PierException;
import org.springframework.http.HttpStatus;

/** The one place an error category becomes an HTTP status, for the API and the panel alike. */
public final class ErrorStatus {

  private ErrorStatus() {}

  public static HttpStatus of(PierException.Kind kind) {
    return switch (kind) {
      case NOT_FOUND -> HttpStatus.NOT_FOUND;
      case ALREADY_EXISTS, CONFLICT -> HttpStatus.CONFLICT;
      case INVALID -> HttpStatus.BAD_REQUEST;
      case FORBIDDEN -> HttpStatus.FORBIDDEN;
      case EXHAUSTED -> HttpStatus.SERVICE_UNAVAILABLE;
      case TOO_LARGE -> HttpStatus.CONTENT_TOO_LARGE;
      case NO_SPACE -> HttpStatus.INSUFFICIENT_STORAGE;
      case TOO_MANY -> HttpStatus.TOO_MANY_REQUESTS;
      case FAILED -> HttpStatus.INTERNAL_SERVER_ERROR;
    };
  }
}
