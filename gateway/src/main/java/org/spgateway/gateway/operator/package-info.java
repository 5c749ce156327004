/** Operator APIs: the dead-letter list, replay, and re-enabling endpoints a receiver withdrew (HTTP 410). */
package org.spgateway.gateway.operator;
