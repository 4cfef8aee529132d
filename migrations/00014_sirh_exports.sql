-- The SIRH export: each hire (an application reaching the administration's
-- last "acceptée" step) becomes one export record holding only what the HR
-- information system needs to open the agent's file; records are delivered
-- in batches to a folder or a signed webhook, per the administration's
-- settings, and every delivery attempt is kept with the receiver's answer.

-- +goose Up
CREATE TABLE sirh_settings (
    administration_id bigint PRIMARY KEY REFERENCES administrations (id) ON DELETE CASCADE,
    destination       text NOT NULL DEFAULT 'dossier' CHECK (destination IN ('dossier', 'webhook')),
    format            text NOT NULL DEFAULT 'csv' CHECK (format IN ('csv', 'jsonl', 'hropen')),
    cadence           text NOT NULL DEFAULT 'immediat' CHECK (cadence IN ('immediat', 'nuit')),
    webhook_url       text NOT NULL DEFAULT '' CHECK (webhook_url = '' OR webhook_url LIKE 'https://%'),
    webhook_secret    text NOT NULL DEFAULT '',
    updated_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (destination <> 'webhook' OR (webhook_url <> '' AND webhook_secret <> ''))
);

CREATE TABLE sirh_batches (
    id                bigserial PRIMARY KEY,
    administration_id bigint NOT NULL REFERENCES administrations (id) ON DELETE CASCADE,
    kind              text NOT NULL CHECK (kind IN ('immediat', 'nuit')),
    format            text NOT NULL CHECK (format IN ('csv', 'jsonl', 'hropen')),
    destination       text NOT NULL CHECK (destination IN ('dossier', 'webhook')),
    state             text NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'delivered', 'failed')),
    hires             integer NOT NULL DEFAULT 0,
    checksum          text NOT NULL DEFAULT '' CHECK (checksum = '' OR checksum ~ '^[0-9a-f]{64}$'), -- SHA-256 of the file
    size              bigint NOT NULL DEFAULT 0,
    created_at        timestamptz NOT NULL DEFAULT now(),
    delivered_at      timestamptz,
    last_error        text NOT NULL DEFAULT '',
    -- A delivery in progress holds the batch until then, so that two
    -- workers never send it at the same time.
    leased_until      timestamptz
);
CREATE INDEX sirh_batches_administration_idx ON sirh_batches (administration_id, id DESC);

CREATE TABLE sirh_hires (
    id                bigserial PRIMARY KEY,
    administration_id bigint NOT NULL REFERENCES administrations (id) ON DELETE CASCADE,
    -- One record per application, ever: a hire is exported once, unless an
    -- agent asks for its batch again.
    application_id    bigint NOT NULL UNIQUE REFERENCES applications (id) ON DELETE CASCADE,
    batch_id          bigint REFERENCES sirh_batches (id) ON DELETE SET NULL,
    hired_at          timestamptz NOT NULL DEFAULT now(),
    civility          text NOT NULL DEFAULT '',
    first_name        text NOT NULL DEFAULT '',
    last_name         text NOT NULL DEFAULT '',
    email             text NOT NULL DEFAULT '',
    phone             text NOT NULL DEFAULT '',
    offer_reference   text NOT NULL DEFAULT '',
    post              text NOT NULL DEFAULT '',
    siret             text NOT NULL DEFAULT '',
    nature            text NOT NULL CHECK (nature IN ('titulaire', 'contractuel')),
    categorie         text NOT NULL DEFAULT '',
    start_date        date,
    documents         jsonb NOT NULL DEFAULT '[]'
);
CREATE INDEX sirh_hires_unbatched_idx ON sirh_hires (administration_id, id) WHERE batch_id IS NULL;
CREATE INDEX sirh_hires_batch_idx ON sirh_hires (batch_id, id);

CREATE TABLE sirh_deliveries (
    id                bigserial PRIMARY KEY,
    batch_id          bigint NOT NULL REFERENCES sirh_batches (id) ON DELETE CASCADE,
    administration_id bigint NOT NULL REFERENCES administrations (id) ON DELETE CASCADE,
    request           text NOT NULL, -- "auto", or the outbox task of an agent's re-delivery
    requested_by      text NOT NULL DEFAULT '',
    attempt           integer NOT NULL,
    at                timestamptz NOT NULL DEFAULT now(),
    ok                boolean NOT NULL,
    status_code       integer, -- the webhook's answer
    answer            text NOT NULL DEFAULT '' CHECK (length(answer) <= 2000),
    error             text NOT NULL DEFAULT '' CHECK (length(error) <= 2000),
    checksum          text NOT NULL DEFAULT ''
);
CREATE INDEX sirh_deliveries_batch_idx ON sirh_deliveries (batch_id, id);

-- +goose Down
DROP TABLE sirh_deliveries;
DROP TABLE sirh_hires;
DROP TABLE sirh_batches;
DROP TABLE sirh_settings;
