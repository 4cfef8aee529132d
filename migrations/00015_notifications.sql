-- Notifications that keep their promises: each agent's choice of how to hear
-- of new applications, per administration; the one-click unsubscribe links of
-- the digests; the permanent refusals of the SMTP server (bounces); and the
-- administration's optional automatic refusal past a second delay.

-- +goose Up
-- No row: "immediate", the default.
CREATE TABLE notification_preferences (
    agent_id          bigint NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    administration_id bigint NOT NULL REFERENCES administrations (id) ON DELETE CASCADE,
    new_application   text NOT NULL CHECK (new_application IN ('immediate', 'digest', 'off')),
    updated_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (agent_id, administration_id)
);

-- A digest carries a link that turns the digest off without signing in; only
-- the token's digest is kept, like every other link Vivier emails.
CREATE TABLE unsubscribe_tokens (
    token_hash        bytea PRIMARY KEY,
    agent_id          bigint NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    administration_id bigint NOT NULL REFERENCES administrations (id) ON DELETE CASCADE,
    created_at        timestamptz NOT NULL DEFAULT now(),
    used_at           timestamptz
);
CREATE INDEX unsubscribe_tokens_created_idx ON unsubscribe_tokens (created_at);

-- A permanent SMTP refusal (5xx): the address is shown as failing to the
-- recruiters, and the task is not retried.
CREATE TABLE email_bounces (
    id                bigserial PRIMARY KEY,
    recipient         citext NOT NULL,
    code              integer NOT NULL,
    message           text NOT NULL DEFAULT '',
    template          text NOT NULL DEFAULT '',
    administration_id bigint REFERENCES administrations (id) ON DELETE SET NULL,
    bounced_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX email_bounces_recipient_idx ON email_bounces (recipient, bounced_at DESC);

ALTER TABLE administrations
    ADD COLUMN auto_refuse boolean NOT NULL DEFAULT false,
    ADD COLUMN auto_refuse_days integer NOT NULL DEFAULT 60 CHECK (auto_refuse_days BETWEEN 15 AND 365);

-- The reason of an automatic refusal, offered to recruiters too.
INSERT INTO refusal_reasons (administration_id, label, candidate_text, position)
SELECT id, 'Délai de réponse dépassé',
    'Nous n''avons pas pu étudier votre candidature dans le délai annoncé, et nous préférons vous le dire plutôt que de vous laisser sans réponse.', 65
FROM administrations ON CONFLICT DO NOTHING;

-- +goose Down
DELETE FROM refusal_reasons WHERE label = 'Délai de réponse dépassé';
ALTER TABLE administrations DROP COLUMN auto_refuse_days, DROP COLUMN auto_refuse;
DROP TABLE email_bounces;
DROP TABLE unsubscribe_tokens;
DROP TABLE notification_preferences;
