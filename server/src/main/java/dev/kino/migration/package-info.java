/**
 * {@code kino migrate}: moving a stopped embedded install (SQLite and the data directory's files)
 * into a cluster's PostgreSQL and S3 bucket, resumable after an interruption and checked row by row
 * and file by file at the end.
 */
package dev.kino.migration;
