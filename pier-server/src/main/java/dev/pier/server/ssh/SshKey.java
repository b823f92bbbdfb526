package dev.pier.server.ssh;

import java.time.Instant;

/** A public key a user logs in to Pier's SSH server with. */
public record SshKey(long id, String owner, String name, String publicKey, String fingerprint, Instant createdAt) {}
