/** Configuration records bound from {@code spgateway.*} keys, validated at start-up, and shared beans. */
package org.spgateway.gateway.config;
