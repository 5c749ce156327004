package org.spgateway.mappings;

/** Codes of {@value CodeSystems#ENDPOINT_TYPE}: how a directory service receives referrals ({@code Endpoint.connectionType}). */
public enum EndpointType {
    STANDARD_WEBHOOKS("standard-webhooks", "Signed JSON webhook (Standard Webhooks)"),
    PULL_INBOX("pull-inbox", "Pull inbox at /vcs/v1/inbox");

    private final String code;
    private final String display;

    EndpointType(String code, String display) {
        this.code = code;
        this.display = display;
    }

    public String code() {
        return code;
    }

    public String display() {
        return display;
    }
}
