-- Encryption at rest (docs/security.md#encryption-at-rest). Sealed columns keep their values as ENC1:<key id>:...;
-- the key id is also kept in its own indexed column, so finding the rows still under an old key (or stored before
-- encryption: NULL) does not read every row. The id is not secret.
ALTER TABLE fhir_resource ADD COLUMN key_id VARCHAR(32);
ALTER TABLE fhir_resource_version ADD COLUMN key_id VARCHAR(32);
ALTER TABLE fhir_transaction_record ADD COLUMN key_id VARCHAR(32);
ALTER TABLE outbox_message ADD COLUMN key_id VARCHAR(32);
CREATE INDEX ix_fhir_resource_key ON fhir_resource (key_id);
CREATE INDEX ix_fhir_resource_version_key ON fhir_resource_version (key_id);
CREATE INDEX ix_fhir_transaction_record_key ON fhir_transaction_record (key_id);
CREATE INDEX ix_outbox_message_key ON outbox_message (key_id);

-- Every key id a node has sealed data with, and a check value derived from the key (not the key), so a node given a
-- different key under the same id, or lacking a key the data still needs, refuses to start instead of writing rows
-- the other nodes cannot read.
CREATE TABLE encryption_key (
    key_id         VARCHAR(32)  NOT NULL PRIMARY KEY,
    check_value    VARCHAR(64)  NOT NULL,
    first_used_at  TIMESTAMP WITH TIME ZONE NOT NULL
);
