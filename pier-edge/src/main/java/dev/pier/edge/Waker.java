package dev.pier.edge;

import java.util.concurrent.CompletableFuture;

/**
 * Starts a sleeping site for the edge. Called on an event loop: it must not block, only start the work and
 * return a future completed (on any thread) once the site runs and the route table says so, or completed
 * exceptionally with the reason it cannot. Requests that arrive while a site wakes may share one future.
 */
@FunctionalInterface
public interface Waker {

  Waker NONE = site -> CompletableFuture.failedFuture(new IllegalStateException("sleeping sites cannot be woken here"));

  CompletableFuture<Void> wake(String site);
}
