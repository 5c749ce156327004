/**
 * What information-governance leads use: the dry run ("what would organisation X receive for referral Y, and why")
 * and, later, the audit log's search, export and verification.
 */
package org.spgateway.gateway.ig;
