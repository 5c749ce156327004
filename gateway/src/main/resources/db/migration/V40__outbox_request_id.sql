-- The correlation id (X-Request-Id) of the request that caused each message, so its delivery attempts log under
-- the same id and carry it to the receiver. Null for messages written before this column existed.
ALTER TABLE outbox_message ADD COLUMN request_id VARCHAR(64);
