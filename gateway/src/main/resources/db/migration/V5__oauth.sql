-- SMART Backend Services: client assertion ids already used, kept until the assertion expires, so a replayed
-- assertion is refused on every node.
CREATE TABLE oauth_assertion_jti (
    client_id   VARCHAR(128) NOT NULL,
    jti         VARCHAR(255) NOT NULL,
    expires_at  TIMESTAMP    NOT NULL,
    PRIMARY KEY (client_id, jti)
);
CREATE INDEX oauth_assertion_jti_expiry ON oauth_assertion_jti (expires_at);
