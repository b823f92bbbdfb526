package dev.pier.server.common;

/** Who asks: a user name from LDAP and whether they are in the admins group. */
public record Caller(String user, boolean admin) {}
