package dev.pier.server.plan;

/** Published when an admin changed a plan's values: sites on it follow. */
public record PlanChanged(String plan) {}
