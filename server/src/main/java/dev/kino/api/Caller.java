package dev.kino.api;

/** Who is calling: the owner id their jobs are filed under, and whether they hold an admin key. */
record Caller(String ownerId, boolean admin) {}
