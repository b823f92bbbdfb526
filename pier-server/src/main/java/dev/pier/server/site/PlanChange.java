package dev.pier.server.site;

/** Where a plan change took effect: {@code now} on the running container, or at the site's {@code next-start} (and why). */
public record PlanChange(Site site, String applied, String reason) {}
