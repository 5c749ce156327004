-- FHIR resource store. Written once for H2 (PostgreSQL mode) and PostgreSQL: plain types only.

-- The current version of every resource.
CREATE TABLE fhir_resource (
    resource_type  VARCHAR(40)  NOT NULL,
    resource_id    VARCHAR(64)  NOT NULL,
    version_id     BIGINT       NOT NULL,
    last_updated   TIMESTAMP WITH TIME ZONE NOT NULL,
    content        VARCHAR      NOT NULL,
    PRIMARY KEY (resource_type, resource_id)
);
CREATE INDEX ix_fhir_resource_updated ON fhir_resource (resource_type, last_updated, resource_id);

-- Every version, the current one included (vread and _history).
CREATE TABLE fhir_resource_version (
    resource_type  VARCHAR(40)  NOT NULL,
    resource_id    VARCHAR(64)  NOT NULL,
    version_id     BIGINT       NOT NULL,
    last_updated   TIMESTAMP WITH TIME ZONE NOT NULL,
    content        VARCHAR      NOT NULL,
    PRIMARY KEY (resource_type, resource_id, version_id)
);

-- Search index of the current versions: tokens (system|code) and references (Type/id in value_code).
CREATE TABLE fhir_search_index (
    resource_type  VARCHAR(40)  NOT NULL,
    resource_id    VARCHAR(64)  NOT NULL,
    param_name     VARCHAR(40)  NOT NULL,
    value_system   VARCHAR(255),
    value_code     VARCHAR(255) NOT NULL
);
CREATE INDEX ix_search_value ON fhir_search_index (resource_type, param_name, value_code, resource_id);
CREATE INDEX ix_search_resource ON fhir_search_index (resource_type, resource_id);

-- Business identifiers that must be unique per resource type (the referral's ServiceRequest.identifier):
-- the primary key makes two concurrent identical referrals create one, whatever the isolation level.
CREATE TABLE fhir_business_identifier (
    resource_type  VARCHAR(40)  NOT NULL,
    value_system   VARCHAR(255) NOT NULL,
    value_code     VARCHAR(255) NOT NULL,
    resource_id    VARCHAR(64)  NOT NULL,
    PRIMARY KEY (resource_type, value_system, value_code)
);

-- The response of each transaction Bundle that created a referral, keyed by that referral: a GP system that
-- retries the whole Bundle gets the same answer and nothing is created twice.
CREATE TABLE fhir_transaction_record (
    service_request_id VARCHAR(64) NOT NULL PRIMARY KEY,
    response           VARCHAR     NOT NULL,
    recorded_at        TIMESTAMP WITH TIME ZONE NOT NULL
);
