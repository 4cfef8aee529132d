-- Retention of personal data (CNIL): how long each administration keeps the
-- applications it did not retain (6 to 24 months after the last contact),
-- when a talent-pool consent's renewal was asked, and the report of each
-- daily run.

-- +goose Up
ALTER TABLE administrations ADD COLUMN retention_months integer NOT NULL DEFAULT 24
    CHECK (retention_months BETWEEN 6 AND 24);

-- Set when the renewal email of the current consent is sent; a renewal
-- (talent_pool_at moved) clears it.
ALTER TABLE applications ADD COLUMN talent_pool_reminded_at timestamptz;
CREATE INDEX applications_retention_idx ON applications (last_activity_at) WHERE category NOT IN ('acceptee', 'anonymisee');
CREATE INDEX applications_talent_pool_idx ON applications (talent_pool_at) WHERE talent_pool_at IS NOT NULL;

CREATE TABLE retention_runs (
    id                 bigserial PRIMARY KEY,
    ran_at             timestamptz NOT NULL,
    administration_id  bigint REFERENCES administrations (id) ON DELETE CASCADE, -- NULL: platform-wide counts
    anonymised         integer NOT NULL DEFAULT 0,
    erased             integer NOT NULL DEFAULT 0,
    consents_expired   integer NOT NULL DEFAULT 0,
    renewals_sent      integer NOT NULL DEFAULT 0,
    agents_deactivated integer NOT NULL DEFAULT 0
);
CREATE INDEX retention_runs_ran_at_idx ON retention_runs (ran_at DESC);

-- +goose Down
DROP TABLE retention_runs;
DROP INDEX applications_talent_pool_idx;
DROP INDEX applications_retention_idx;
ALTER TABLE applications DROP COLUMN talent_pool_reminded_at;
ALTER TABLE administrations DROP COLUMN retention_months;
