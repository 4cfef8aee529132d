-- Candidates and their applications: one candidate per email, applications to
-- an offer or spontaneous, the files they sent (kept in the file store; here
-- only what identifies them), the timeline the candidate follows, and the
-- tracking links sent by email.

-- +goose Up
CREATE TABLE candidates (
    id            bigserial PRIMARY KEY,
    email         citext UNIQUE CHECK (email LIKE '%_@_%'), -- NULL once erased
    civility      text NOT NULL DEFAULT '' CHECK (civility IN ('', 'madame', 'monsieur')),
    first_name    text NOT NULL DEFAULT '',
    last_name     text NOT NULL DEFAULT '',
    phone         text NOT NULL DEFAULT '',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    erased_at     timestamptz
);

CREATE TABLE applications (
    id                bigserial PRIMARY KEY,
    administration_id bigint NOT NULL REFERENCES administrations (id) ON DELETE RESTRICT,
    offer_id          bigint REFERENCES offers (id) ON DELETE RESTRICT, -- NULL: spontaneous
    candidate_id      bigint NOT NULL REFERENCES candidates (id) ON DELETE RESTRICT,
    -- The four categories the whole platform understands, and the two ends
    -- that are not decisions.
    category          text NOT NULL DEFAULT 'nouvelle'
                      CHECK (category IN ('nouvelle', 'en_cours', 'acceptee', 'refusee', 'retiree', 'anonymisee')),
    interview_planned boolean NOT NULL DEFAULT false,
    source            text NOT NULL DEFAULT '' CHECK (length(source) <= 60),
    answers           jsonb NOT NULL DEFAULT '{}',
    letter_text       text NOT NULL DEFAULT '' CHECK (length(letter_text) <= 20000),
    domaine_code      text REFERENCES domaines_fonctionnels (code), -- spontaneous: the field asked for
    consent_at        timestamptz NOT NULL,
    talent_pool_at    timestamptz, -- consent to be kept for future offers
    idempotency_key   uuid NOT NULL UNIQUE,
    withdraw_reason   text NOT NULL DEFAULT '' CHECK (length(withdraw_reason) <= 1000),
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    -- The last contact that counts for retention: a candidate's action or a
    -- recruiter's message, never an email being opened.
    last_activity_at  timestamptz NOT NULL DEFAULT now()
);
CREATE UNIQUE INDEX applications_once_per_offer ON applications (offer_id, candidate_id) WHERE offer_id IS NOT NULL;
CREATE INDEX applications_administration_idx ON applications (administration_id, created_at DESC);
CREATE INDEX applications_candidate_idx ON applications (candidate_id);
CREATE INDEX applications_offer_idx ON applications (offer_id, category);

CREATE TABLE application_files (
    id             bigserial PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    kind           text NOT NULL CHECK (kind IN ('cv', 'lettre')),
    file_key       text NOT NULL UNIQUE,
    name           text NOT NULL,
    content_type   text NOT NULL,
    size           bigint NOT NULL CHECK (size > 0),
    sha256         text NOT NULL CHECK (sha256 ~ '^[0-9a-f]{64}$'),
    text           text NOT NULL DEFAULT '',
    created_at     timestamptz NOT NULL DEFAULT now(),
    deleted_at     timestamptz
);
CREATE INDEX application_files_application_idx ON application_files (application_id);

-- The timeline: every move, who made it, and whether the candidate was told.
CREATE TABLE application_events (
    id             bigserial PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    at             timestamptz NOT NULL DEFAULT now(),
    actor          text NOT NULL DEFAULT '', -- agent email, "candidat·e" or "tâche planifiée"
    from_category  text NOT NULL DEFAULT '',
    to_category    text NOT NULL,
    step           text NOT NULL DEFAULT '',
    reason         text NOT NULL DEFAULT '',
    email_sent     boolean NOT NULL DEFAULT false
);
CREATE INDEX application_events_application_idx ON application_events (application_id, at);

-- Links to a candidate's space, sent by email: only the hash is kept.
CREATE TABLE tracking_links (
    id            bigserial PRIMARY KEY,
    candidate_id  bigint NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    token_hash    bytea NOT NULL UNIQUE,
    created_at    timestamptz NOT NULL DEFAULT now(),
    last_used_at  timestamptz,
    revoked_at    timestamptz
);
CREATE INDEX tracking_links_candidate_idx ON tracking_links (candidate_id);

-- Messages between a candidate and the recruiters of an application.
CREATE TABLE application_messages (
    id             bigserial PRIMARY KEY,
    application_id bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    from_candidate boolean NOT NULL,
    agent_id       bigint REFERENCES agents (id) ON DELETE SET NULL,
    body           text NOT NULL CHECK (length(body) BETWEEN 1 AND 5000),
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX application_messages_application_idx ON application_messages (application_id, created_at);

-- How long an administration promises to take before answering.
ALTER TABLE administrations ADD COLUMN response_days integer NOT NULL DEFAULT 15 CHECK (response_days BETWEEN 1 AND 180);

-- +goose Down
ALTER TABLE administrations DROP COLUMN response_days;
DROP TABLE application_messages;
DROP TABLE tracking_links;
DROP TABLE application_events;
DROP TABLE application_files;
DROP TABLE applications;
DROP TABLE candidates;
