package dev.pier.engine.util;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records the undo of each completed step of a multi-step operation. Closing it without {@link #commit()}
 * runs the undos in reverse order, so a failed operation leaves nothing behind; an undo that fails is logged
 * and the others still run.
 */
public final class UndoStack implements AutoCloseable {

  private static final Logger log = LoggerFactory.getLogger(UndoStack.class);

  private record Step(String what, Runnable undo) {}

  private final Deque<Step> steps = new ArrayDeque<>();
  private boolean committed;

  /** Records that a step is done and how to take it back. */
  public void push(String what, Runnable undo) {
    steps.push(new Step(what, undo));
  }

  /** The operation succeeded: keep every step. */
  public void commit() {
    committed = true;
  }

  @Override
  public void close() {
    if (committed) {
      return;
    }
    while (!steps.isEmpty()) {
      Step s = steps.pop();
      try {
        s.undo().run();
      } catch (RuntimeException e) {
        log.warn("could not undo \"{}\": {}", s.what(), e.getMessage());
      }
    }
  }
}
