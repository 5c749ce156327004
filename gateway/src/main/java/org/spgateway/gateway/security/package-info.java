/**
 * Who may call the gateway and what they may do: logins with roles for IG leads and operators (web pages and their
 * JSON APIs), and the audit of every failed login and every refused request.
 */
package org.spgateway.gateway.security;
