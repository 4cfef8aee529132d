-- Job alerts: a search of /offres saved with an email address, confirmed by
-- a link, that gets the new matching offers once a day. Tokens (confirmation,
-- unsubscribe) are stored as digests; every alert email carries a new
-- unsubscribe token, so each has its own.

-- +goose Up
CREATE TABLE job_alerts (
    id               bigserial PRIMARY KEY,
    email            text NOT NULL,
    query            text NOT NULL,  -- the /offres query string, for the link back to the search
    search           jsonb NOT NULL, -- vivier.OfferSearch, what the daily task searches
    label            text NOT NULL,  -- the search in words, for emails and pages
    created_at       timestamptz NOT NULL DEFAULT now(),
    confirmed_at     timestamptz,    -- NULL: nothing is sent
    last_sent_at     timestamptz,    -- offers published after it are new
    last_activity_at timestamptz NOT NULL DEFAULT now(), -- the candidate's last action, for retention
    UNIQUE (email, query)
);
CREATE INDEX job_alerts_confirmed_idx ON job_alerts (id) WHERE confirmed_at IS NOT NULL;

CREATE TABLE job_alert_tokens (
    hash       bytea PRIMARY KEY,
    alert_id   bigint NOT NULL REFERENCES job_alerts (id) ON DELETE CASCADE,
    purpose    text NOT NULL CHECK (purpose IN ('confirmation', 'desinscription')),
    created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX job_alert_tokens_alert_idx ON job_alert_tokens (alert_id);

-- Periodic tasks (every worker runs a scheduler) claim their period here
-- before running: Asynq's Unique lock is released when a task succeeds, so a
-- second worker's tick a moment later would run it again.
CREATE TABLE periodic_runs (
    task       text NOT NULL,
    period     timestamptz NOT NULL, -- start of the period this run serves
    task_id    text NOT NULL,        -- the Asynq task that claimed it: its retries may run
    claimed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (task, period)
);

-- +goose Down
DROP TABLE periodic_runs;
DROP TABLE job_alert_tokens;
DROP TABLE job_alerts;
