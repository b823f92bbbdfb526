package dev.pier.server.web;

import dev.pier.engine.site.InvalidSiteNameException;
import dev.pier.server.common.PierException;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.servlet.mvc.support.RedirectAttributes;

/**
 * The panel's outcome messages. Every change is a POST that redirects back to a GET (Post/Redirect/Get), with the
 * outcome as a flash message: {@code success}, or {@code error} carrying the refusal's message, which says what
 * was wrong. Anything unexpected is left to {@link PanelErrors}.
 */
public final class Flash {

  private static final Logger log = LoggerFactory.getLogger(Flash.class);

  private Flash() {}

  /** Runs an operation; flashes its success message, or the reason it was refused. Returns whether it succeeded. */
  public static boolean attempt(RedirectAttributes flash, Supplier<String> operation) {
    try {
      flash.addFlashAttribute("success", operation.get());
      return true;
    } catch (InvalidSiteNameException | PierException e) {
      failed(flash, e);
      return false;
    }
  }

  /** Flashes why an operation was refused. */
  public static void failed(RedirectAttributes flash, RuntimeException e) {
    if (e instanceof PierException pe && pe.kind() == PierException.Kind.FAILED) {
      log.error(e.getMessage(), e.getCause());
    }
    flash.addFlashAttribute("error", sentence(e.getMessage()));
  }

  /** A message as a sentence for a flash: capital first letter, full stop. */
  public static String sentence(String message) {
    if (message == null || message.isEmpty()) {
      return "Something went wrong.";
    }
    return Character.toUpperCase(message.charAt(0)) + message.substring(1) + (message.endsWith(".") ? "" : ".");
  }
}
