package dev.kino.jobs;

/**
 * Where a job's webhook goes: the URL given at submit, called when the job ends and, if asked, when
 * it starts.
 */
public record Callback(String url, boolean onStart) {}
