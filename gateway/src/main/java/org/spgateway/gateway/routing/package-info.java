/**
 * The directory of referring practices and VCS services, from configuration, and (later) the routing of each
 * referral to the service that can take it. Directory entries are published as FHIR Organization resources.
 */
package org.spgateway.gateway.routing;
