/**
 * The guard on every connection Kino makes on a client's behalf (input URLs, webhooks, upstream
 * providers' output links): which addresses may be reached ({@link
 * dev.kino.network.AddressPolicy}), checked again for every address when connecting ({@code
 * GuardedResolver}), on an HTTP client that follows no redirects by itself ({@link
 * dev.kino.network.GuardedHttpClient}).
 */
package dev.kino.network;
