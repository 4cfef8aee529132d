-- The outbox row stays the record of its work until the work is done, not
-- merely handed to Redis: Redis may lose its memory (a restart without
-- persistence, a failover to a replica that lagged), and a task lost there
-- must be handed over again.
--
-- done_at is set when the task finished (in the transaction of its last step
-- where it has one: the email recorded in sent_emails, the SIRH batch made).
-- checked_at is when the worker last asked Redis about a row relayed but not
-- done; the next look comes one OUTBOX_REDELIVERY_DELAY later.
--
-- Rows relayed more than a day ago are taken as done: their tasks' records in
-- Redis (kept 24 hours after completion) are gone, so the worker could not
-- tell a finished task from a lost one, and would run them again. The more
-- recent ones are checked against Redis by the worker's first passes.

-- +goose Up
ALTER TABLE outbox
    ADD COLUMN done_at    timestamptz,
    ADD COLUMN checked_at timestamptz;
UPDATE outbox SET done_at = relayed_at WHERE relayed_at < now() - interval '1 day';
CREATE INDEX outbox_unfinished_idx ON outbox (relayed_at) WHERE relayed_at IS NOT NULL AND done_at IS NULL;

-- +goose Down
DROP INDEX outbox_unfinished_idx;
ALTER TABLE outbox DROP COLUMN checked_at, DROP COLUMN done_at;
