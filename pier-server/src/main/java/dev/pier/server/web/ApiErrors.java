package dev.pier.server.web;

import dev.pier.engine.site.InvalidSiteNameException;
import dev.pier.server.common.ErrorIds;
import dev.pier.server.common.PierException;
import jakarta.servlet.http.HttpServletRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/**
 * The API's errors as RFC 9457 problem details that say what was wrong and what to do. The status comes from the
 * error's category ({@link ErrorStatus}); anything unexpected is a 500 whose id is in the log, never a 400.
 */
@RestControllerAdvice(annotations = RestController.class)
@Order(0)
public class ApiErrors extends ResponseEntityExceptionHandler {

  private static final Logger log = LoggerFactory.getLogger(ApiErrors.class);

  @ExceptionHandler(InvalidSiteNameException.class)
  ProblemDetail invalidName(InvalidSiteNameException e) {
    return problem(HttpStatus.BAD_REQUEST, "Invalid site name", e.getMessage());
  }

  @ExceptionHandler(PierException.class)
  ProblemDetail refused(PierException e) {
    if (e.kind() == PierException.Kind.FAILED) {
      log.error(e.getMessage(), e.getCause());
    }
    return problem(ErrorStatus.of(e.kind()), e.title(), e.getMessage());
  }

  @ExceptionHandler(Exception.class)
  ProblemDetail unexpected(Exception e, HttpServletRequest request) {
    String id = ErrorIds.logged(request.getMethod() + " " + request.getRequestURI(), e);
    ProblemDetail p = problem(HttpStatus.INTERNAL_SERVER_ERROR, "Internal error", ErrorIds.message(id));
    p.setProperty("errorId", id);
    return p;
  }

  @Override
  protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e, HttpHeaders headers,
      HttpStatusCode status, WebRequest request) {
    return ResponseEntity.badRequest().body(problem(HttpStatus.BAD_REQUEST, "Unreadable request", unreadable(e)));
  }

  /** What was wrong with the body: a value refused by its type says why; otherwise the shape expected. */
  private static String unreadable(HttpMessageNotReadableException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof IllegalArgumentException || t instanceof PierException) {
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
