-- Publication of offers to Choisir le Service Public (CSP): each
-- administration's settings (its API key sealed with AES-GCM, never stored in
-- clear), and each offer's state there with what is left to send.

-- +goose Up
CREATE TABLE csp_settings (
    administration_id bigint PRIMARY KEY REFERENCES administrations (id) ON DELETE CASCADE,
    enabled           boolean NOT NULL DEFAULT false,
    api_url           text NOT NULL DEFAULT '', -- '' uses the platform's CSP_API_URL
    source_id         uuid,
    api_key_sealed    bytea,                    -- nonce and ciphertext; bound to the administration id
    api_key_set_at    timestamptz,
    auth_error        text NOT NULL DEFAULT '', -- CSP refused the key (401/403): sending waits for a new key
    auth_error_at     timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now()
);

-- One row per offer that CSP publication concerns. pending is what the next
-- task must do; requested_at is when it was asked, so that a change made
-- while a batch is in flight is sent again after it.
CREATE TABLE csp_offers (
    offer_id          bigint PRIMARY KEY REFERENCES offers (id) ON DELETE CASCADE,
    administration_id bigint NOT NULL REFERENCES administrations (id) ON DELETE CASCADE,
    state             text NOT NULL DEFAULT 'not_sent' CHECK (state IN ('not_sent', 'sent', 'rejected', 'archived')),
    pending           text CHECK (pending IN ('send', 'archive')),
    requested_at      timestamptz NOT NULL DEFAULT clock_timestamp(),
    claimed_by        text,        -- the task sending it now
    claimed_until     timestamptz, -- after which another task may take it (a crashed worker)
    sent_reference    text,        -- the reference CSP knows it by, for the archiving
    sent_at           timestamptz,
    archived_at       timestamptz,
    rejected_at       timestamptz,
    errors            jsonb NOT NULL DEFAULT '[]', -- CSP's reasons for a rejection, per field
    last_error        text NOT NULL DEFAULT '',    -- a transient failure (network, 5xx), retried
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX csp_offers_pending_idx ON csp_offers (administration_id, requested_at) WHERE pending IS NOT NULL;

-- +goose Down
DROP TABLE csp_offers;
DROP TABLE csp_settings;
