package dev.kino.jobs;

/** A job a worker now owns, with the lease to present on every later write. */
public record ClaimedJob(Job job, Lease lease) {}
