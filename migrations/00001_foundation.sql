-- The foundation: administrations and their agents, the outbox that carries
-- work to the worker, the record of sent emails, the Casbin rule table and the
-- server-side HTTP sessions.

-- +goose Up
CREATE EXTENSION IF NOT EXISTS citext;
CREATE EXTENSION IF NOT EXISTS unaccent;
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE TABLE administrations (
    id            bigserial PRIMARY KEY,
    parent_id     bigint REFERENCES administrations (id) ON DELETE RESTRICT,
    slug          citext NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(slug) <= 80),
    name          text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    short_name    text NOT NULL DEFAULT '' CHECK (length(short_name) <= 40),
    versant       text NOT NULL CHECK (versant IN ('etat', 'territoriale', 'hospitaliere')),
    siret         text UNIQUE CHECK (siret ~ '^[0-9]{14}$'),
    contact_email citext NOT NULL DEFAULT '',
    logo_path     text NOT NULL DEFAULT '',
    status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (parent_id IS NULL OR parent_id <> id)
);
CREATE INDEX administrations_parent_idx ON administrations (parent_id);

CREATE TABLE agents (
    id            bigserial PRIMARY KEY,
    email         citext NOT NULL UNIQUE CHECK (email LIKE '%_@_%'),
    first_name    text NOT NULL DEFAULT '',
    last_name     text NOT NULL DEFAULT '',
    password_hash text NOT NULL DEFAULT '',
    status        text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    last_login_at timestamptz,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- Work that a change must trigger, written in the change's transaction and
-- relayed to Asynq by the worker (jobs.Relay).
CREATE TABLE outbox (
    id                bigserial PRIMARY KEY,
    task_type         text NOT NULL CHECK (task_type <> ''),
    queue             text NOT NULL DEFAULT 'default',
    payload           jsonb NOT NULL DEFAULT '{}',
    administration_id bigint REFERENCES administrations (id) ON DELETE CASCADE,
    created_at        timestamptz NOT NULL DEFAULT now(),
    relayed_at        timestamptz,
    attempts          integer NOT NULL DEFAULT 0,
    last_error        text NOT NULL DEFAULT '',
    -- A row the relay could not enqueue waits before the next try, so
    -- that it does not hold back the rows behind it.
    next_attempt_at   timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX outbox_pending_idx ON outbox (id) WHERE relayed_at IS NULL;

-- One row per email handed to the SMTP server: the unique key makes a retried
-- task find its email already sent.
CREATE TABLE sent_emails (
    id                bigserial PRIMARY KEY,
    message_key       text NOT NULL UNIQUE,
    template          text NOT NULL,
    recipient         citext NOT NULL,
    subject           text NOT NULL,
    administration_id bigint REFERENCES administrations (id) ON DELETE SET NULL,
    smtp_message_id   text NOT NULL DEFAULT '',
    sent_at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX sent_emails_recipient_idx ON sent_emails (recipient);

-- Casbin rules: the g rows (agent, role, administration) live here; the p
-- rules come from policies/policy.csv.
CREATE TABLE casbin_rules (
    id    bigserial PRIMARY KEY,
    ptype text NOT NULL,
    v0    text NOT NULL DEFAULT '',
    v1    text NOT NULL DEFAULT '',
    v2    text NOT NULL DEFAULT '',
    v3    text NOT NULL DEFAULT '',
    v4    text NOT NULL DEFAULT '',
    v5    text NOT NULL DEFAULT '',
    UNIQUE (ptype, v0, v1, v2, v3, v4, v5)
);

-- Server-side state of HTTP sessions and CSRF tokens. Keys are stored as
-- SHA-256 digests: a leaked table gives no usable cookie.
CREATE TABLE http_sessions (
    namespace  text NOT NULL,
    key_hash   bytea NOT NULL,
    data       bytea NOT NULL,
    agent_id   bigint REFERENCES agents (id) ON DELETE CASCADE,
    expires_at timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    updated_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (namespace, key_hash)
);
CREATE INDEX http_sessions_expires_idx ON http_sessions (expires_at);
CREATE INDEX http_sessions_agent_idx ON http_sessions (agent_id) WHERE agent_id IS NOT NULL;

-- +goose Down
DROP TABLE http_sessions;
DROP TABLE casbin_rules;
DROP TABLE sent_emails;
DROP TABLE outbox;
DROP TABLE agents;
DROP TABLE administrations;
