/**
 * The user's commands, which reach any Kino server only through its HTTP API, with the Java client:
 * {@code kino run}, {@code status}, {@code result}, {@code cancel}, {@code models}, {@code
 * requests}, {@code completion}.
 */
package dev.kino.cli.user;
