-- The tamper-evident audit log. Append-only: each record carries the SHA-256 of its canonical form chained to the
-- previous record's hash; checkpoints sign the head of the chain with the gateway's Ed25519 key.
CREATE TABLE audit_record (
    seq            BIGINT       NOT NULL PRIMARY KEY,
    recorded_at    TIMESTAMP WITH TIME ZONE NOT NULL,
    event_type     VARCHAR(64)  NOT NULL,
    actor          VARCHAR(128) NOT NULL,
    patient_id     VARCHAR(64),
    recipient_org  VARCHAR(64),
    referral_id    VARCHAR(64),
    details        VARCHAR      NOT NULL,
    prev_hash      VARCHAR(64)  NOT NULL,
    hash           VARCHAR(64)  NOT NULL
);
CREATE INDEX ix_audit_patient ON audit_record (patient_id, recorded_at);
CREATE INDEX ix_audit_recipient ON audit_record (recipient_org, recorded_at);
CREATE INDEX ix_audit_type ON audit_record (event_type, recorded_at);

-- One row: the head of the chain. Appenders lock it, so records are chained one at a time across nodes.
CREATE TABLE audit_head (
    id             INT          NOT NULL PRIMARY KEY,
    last_seq       BIGINT       NOT NULL,
    last_hash      VARCHAR(64)  NOT NULL
);
INSERT INTO audit_head (id, last_seq, last_hash) VALUES (1, 0, '0000000000000000000000000000000000000000000000000000000000000000');

CREATE TABLE audit_checkpoint (
    seq            BIGINT       NOT NULL PRIMARY KEY,
    hash           VARCHAR(64)  NOT NULL,
    signature      VARCHAR(128) NOT NULL,
    public_key     VARCHAR(64)  NOT NULL,
    signed_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
