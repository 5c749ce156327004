package org.spgateway.mappings;
