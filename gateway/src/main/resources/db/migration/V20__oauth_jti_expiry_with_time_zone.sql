-- SMART client assertion ids expire at an instant, whatever the time zone of the node that wrote them: as a
-- timestamp without time zone, a row written by a node in one zone read as already expired on a node in another,
-- which dropped it and accepted the assertion again. The rows held now (minutes' worth) are read in the session's
-- zone, the zone they were written in when every node ran in one zone, as docs/deployment.md required.
ALTER TABLE oauth_assertion_jti ALTER COLUMN expires_at SET DATA TYPE TIMESTAMP WITH TIME ZONE;
