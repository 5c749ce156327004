/**
 * One HAPI resource provider per resource type the gateway stores, plus the transaction provider. Providers
 * are thin: reads and searches go to the repository, writes to the write service.
 */
package org.spgateway.gateway.fhir.provider;
