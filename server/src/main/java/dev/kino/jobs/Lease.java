package dev.kino.jobs;

/**
 * Proof of ownership of a running job. Every write a worker makes after its claim names the token,
 * and the store ignores writes whose token is no longer the job's (the lease expired and someone
 * else owns it now).
 */
public record Lease(String jobId, String token, int attempt) {}
