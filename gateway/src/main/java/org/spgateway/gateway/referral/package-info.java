/**
 * The referral lifecycle on the gateway's side: every accepted ServiceRequest gets the Task that tracks it
 * (HL7 SDOH Clinical Care closed-loop referral pattern: intent=order, code=fulfill, focus=the referral), in the
 * same transaction as the referral itself.
 */
package org.spgateway.gateway.referral;
