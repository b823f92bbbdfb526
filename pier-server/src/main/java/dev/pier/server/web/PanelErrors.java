package dev.pier.server.web;

import dev.pier.server.common.ErrorIds;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import org.springframework.beans.TypeMismatchException;
import org.springframework.core.annotation.Order;
import org.springframework.http.HttpStatus;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.stereotype.Controller;
import org.springframework.validation.BindException;
import org.springframework.web.ErrorResponse;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.servlet.ModelAndView;

/**
 * The panel's unexpected failures: the error page with status 500 and an id that is also in the log. Refusals the
 * panel expects are flashed by the controllers ({@link Flash}); Spring's own request errors (a missing parameter,
 * say) keep their 4xx. The API's controllers are {@link ApiErrors}'s, which is consulted first.
 */
@ControllerAdvice(annotations = Controller.class)
@Order(1)
public class PanelErrors {

  @ExceptionHandler(Exception.class)
  ModelAndView unexpected(Exception e, HttpServletRequest request) throws Exception {
    if (e instanceof ErrorResponse || e instanceof ServletException || e instanceof TypeMismatchException
        || e instanceof HttpMessageNotReadableException || e instanceof BindException) {
      throw e; // a bad request: Spring's own answer (400, 405, ...) stands
    }
    String id = ErrorIds.logged(request.getMethod() + " " + request.getRequestURI(), e);
    ModelAndView page = new ModelAndView("error", HttpStatus.INTERNAL_SERVER_ERROR);
    page.addObject("status", 500);
    page.addObject("error", "Internal Server Error");
    page.addObject("message", Flash.sentence(ErrorIds.message(id)));
    return page;
  }
}
