-- API tokens: an HR information system pushes and reads the offers of one
-- administration with a bearer token. Only the token's SHA-256 digest is
-- kept; its first characters (prefix) let people tell tokens apart.

-- +goose Up
CREATE TABLE api_tokens (
    id                bigserial PRIMARY KEY,
    administration_id bigint NOT NULL REFERENCES administrations (id) ON DELETE CASCADE,
    name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 100),
    scope             text NOT NULL CHECK (scope IN ('read', 'write')),
    prefix            text NOT NULL,
    token_hash        bytea NOT NULL UNIQUE,
    created_by        bigint REFERENCES agents (id) ON DELETE SET NULL,
    created_by_email  text NOT NULL DEFAULT '',
    created_at        timestamptz NOT NULL DEFAULT now(),
    last_used_at      timestamptz,
    revoked_at        timestamptz
);
CREATE INDEX api_tokens_admin_idx ON api_tokens (administration_id, created_at DESC);

-- The open-data feed pages through published offers by (published_at, id).
CREATE INDEX offers_open_data_idx ON offers (published_at, id) WHERE status = 'published';

-- +goose Down
DROP INDEX offers_open_data_idx;
DROP TABLE api_tokens;
