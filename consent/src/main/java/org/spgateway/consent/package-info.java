package org.spgateway.consent;
