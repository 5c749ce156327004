-- Two indexes reordered so lookups stop growing with the store (found by profiling the load driver;
-- docs/performance.md, "What profiling found"):
--
-- 1. A search value often matches through several codes (a blind-indexed NHS number has a token per key plus the
--    value as stored before encryption): value_code IN (...). H2 looks an IN list up in an index only when it is the
--    index's FIRST column; with value_code third, each referral's conditional create on the NHS number read every
--    Patient identifier row. Leading with value_code serves equality and IN lookups alike on H2 and PostgreSQL. The
--    queries that range over one parameter's values were changed to match (the referral status counts use an IN
--    list of the statuses, each row checked against ix_route_task below; the blind-token re-index pass walks
--    ix_search_resource in resource id order).
DROP INDEX ix_search_value;
CREATE INDEX ix_search_value ON fhir_search_index (value_code, resource_type, param_name, resource_id);

-- 2. The relay claims due messages in (status, next_attempt_at, seq) order: an index in exactly that order lets the
--    claim stop after one batch instead of reading and sorting every pending message (seconds a claim on H2 with a
--    backlog of 3,000).
DROP INDEX ix_outbox_due;
CREATE INDEX ix_outbox_due ON outbox_message (status, next_attempt_at, seq);

-- 3. A referral's route by its Task (the referral status counts of the metrics).
CREATE INDEX ix_route_task ON referral_route (task_id);
