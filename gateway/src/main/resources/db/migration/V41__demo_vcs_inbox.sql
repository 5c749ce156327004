-- The built-in demo VCS inbox (spgateway.demo.vcs-inbox.enabled, the ./run.sh demo only): the webhooks the demo
-- service received from the gateway, after their signature was verified, as that service would keep them.
CREATE TABLE demo_vcs_message (
    webhook_id       VARCHAR(128) NOT NULL PRIMARY KEY,
    event_type       VARCHAR(64)  NOT NULL,
    referral_id      VARCHAR(64)  NOT NULL,
    payload          VARCHAR      NOT NULL,
    received_at      TIMESTAMP WITH TIME ZONE NOT NULL
);
CREATE INDEX ix_demo_vcs_referral ON demo_vcs_message (referral_id, received_at);
