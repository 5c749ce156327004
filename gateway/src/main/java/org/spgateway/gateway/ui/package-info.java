/**
 * Server-rendered web pages (Thymeleaf, no front-end build): the login, the IG lead's audit pages. They call the same
 * services as the JSON APIs, so the page and the API can never disagree.
 */
package org.spgateway.gateway.ui;
