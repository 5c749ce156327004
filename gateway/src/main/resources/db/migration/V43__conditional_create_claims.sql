-- Conditional creates (a transaction entry's ifNoneExist) claim their criteria, as a referral claims its
-- ServiceRequest.identifier in fhir_business_identifier: two concurrent transactions that both find no match for
-- the same criteria can no longer both create the resource (the second one's claim is a duplicate key, so it is
-- rolled back and retried, and then finds the first one's resource). Without the claim both created it, and every
-- later conditional create with those criteria matched two resources and was refused with 412.
--
-- The criteria usually name a patient (identifier=https://fhir.nhs.uk/Id/nhs-number|...), so they are kept only as a
-- keyed blind token (HMAC under the active index key, with the calling practice: searches are confined to it).
CREATE TABLE fhir_conditional_claim (
    resource_type  VARCHAR(40)  NOT NULL,
    criteria_token VARCHAR(255) NOT NULL,
    resource_id    VARCHAR(64)  NOT NULL,
    PRIMARY KEY (resource_type, criteria_token)
);
