/**
 * What operators see of each request: the correlation id ({@code X-Request-Id}, accepted when well-formed, otherwise
 * generated; returned on every answer, in every log line of the request through the MDC, and stored with the outbox
 * messages the request causes so their delivery logs and outgoing requests carry it too), and one access log line
 * per request that names the path but never the query string (which can hold an NHS number).
 */
package org.spgateway.gateway.observability;
