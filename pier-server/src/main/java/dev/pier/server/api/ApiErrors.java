package dev.pier.server.api;

import dev.pier.engine.site.InvalidSiteNameException;
import dev.pier.server.site.SiteException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;

/** Turns the API's errors into RFC 9457 problem details that say what was wrong and what to do. */
@RestControllerAdvice(assignableTypes = {SiteApiController.class, PlanApiController.class, ImageApiController.class,
    CertificateApiController.class})
class ApiErrors extends org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

  @ExceptionHandler(InvalidSiteNameException.class)
  ProblemDetail invalidName(InvalidSiteNameException e) {
    return problem(HttpStatus.BAD_REQUEST, "Invalid site name", e.getMessage());
  }

  /** A value object refused its input (a plan's limits, say): the message says which value and why. */
  @ExceptionHandler(IllegalArgumentException.class)
  ProblemDetail invalid(IllegalArgumentException e) {
    return problem(HttpStatus.BAD_REQUEST, "Invalid request", e.getMessage());
  }

  @ExceptionHandler(SiteException.class)
  ProblemDetail site(SiteException e) {
    if (e.status().is5xxServerError()) {
      log.error(e.getMessage(), e.getCause());
    }
    return problem(e.status(), e.title(), e.getMessage());
  }

  @Override
  protected org.springframework.http.ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
      org.springframework.http.HttpHeaders headers, org.springframework.http.HttpStatusCode status, org.springframework.web.context.request.WebRequest request) {
    return org.springframework.http.ResponseEntity.badRequest().body(
        problem(HttpStatus.BAD_REQUEST, "Unreadable request", unreadable(e)));
  }

  /** What was wrong with the body: a value refused by its type says why; otherwise the shape expected. */
  private static String unreadable(HttpMessageNotReadableException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IllegalArgumentException) {
        return t.getMessage();
      }
    }
    return "the request body is not the JSON expected, such as {\"name\": \"blog\"}";
  }

  static ProblemDetail problem(HttpStatus status, String title, String detail) {
    ProblemDetail p = ProblemDetail.forStatusAndDetail(status, detail);
    p.setTitle(title);
    return p;
  }
}
