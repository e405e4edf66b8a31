/**
 * The operator's commands, run on the server's machine with its settings: {@code kino serve},
 * {@code kino worker} and {@code kino keys}; flags and environment become {@link
 * dev.kino.config.Settings}, then a node starts.
 */
package dev.kino.cli.operator;
