/** The embedded default's demo: a referral sent through the gateway's own FHIR endpoint at first start. */
package org.spgateway.gateway.demo;
