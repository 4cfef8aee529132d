-- The addresses tenants configure and what Vivier keeps of their answers.
--
-- The SIRH webhook's signing secret is sealed like CSP's API keys
-- (AES-256-GCM under CSP_SECRET_KEY). SQL has no access to that key, so the
-- clear column stays for now: `vivier migrate up` seals every clear secret
-- right after this migration when CSP_SECRET_KEY is set, `vivier
-- rotate-secrets` does the same at any time, and saving the settings seals
-- the administration's own; until then the worker reads the clear one. A
-- later migration drops the clear column.
--
-- A webhook may be plain http when the operator trusts its network
-- (OUTBOUND_ALLOW): the application checks that, the table no longer
-- requires https.
--
-- The answers remote servers gave to webhook deliveries were shown on the
-- exports page, the Go errors too (with the addresses they named): tenants
-- now read a short summary, and what was kept is forgotten.

-- +goose Up
ALTER TABLE sirh_settings ADD COLUMN webhook_secret_sealed bytea;
ALTER TABLE sirh_settings DROP CONSTRAINT sirh_settings_webhook_url_check,
    ADD CONSTRAINT sirh_settings_webhook_url_check CHECK (webhook_url = '' OR webhook_url ~ '^https?://');
ALTER TABLE sirh_settings DROP CONSTRAINT sirh_settings_check,
    ADD CONSTRAINT sirh_settings_webhook_check CHECK (destination <> 'webhook'
        OR (webhook_url <> '' AND (webhook_secret <> '' OR webhook_secret_sealed IS NOT NULL)));

UPDATE sirh_deliveries d SET answer = '',
        error = CASE WHEN d.error = '' THEN '' ELSE 'échec de la livraison (détail effacé)' END
    FROM sirh_batches b WHERE b.id = d.batch_id AND b.destination = 'webhook';
UPDATE sirh_batches SET last_error = 'échec de la livraison (détail effacé)'
    WHERE destination = 'webhook' AND last_error <> '';

-- +goose Down
-- SQL cannot open a sealed secret: a webhook left with none, or in plain
-- http, goes back to the folder destination.
UPDATE sirh_settings SET destination = 'dossier'
    WHERE destination = 'webhook' AND (webhook_secret = '' OR webhook_url NOT LIKE 'https://%');
UPDATE sirh_settings SET webhook_url = '' WHERE webhook_url NOT LIKE 'https://%';
ALTER TABLE sirh_settings DROP CONSTRAINT sirh_settings_webhook_check,
    ADD CONSTRAINT sirh_settings_check CHECK (destination <> 'webhook' OR (webhook_url <> '' AND webhook_secret <> ''));
ALTER TABLE sirh_settings DROP CONSTRAINT sirh_settings_webhook_url_check,
    ADD CONSTRAINT sirh_settings_webhook_url_check CHECK (webhook_url = '' OR webhook_url LIKE 'https://%');
ALTER TABLE sirh_settings DROP COLUMN webhook_secret_sealed;
