-- What an administration sees of an application is what was sent to it.
--
-- Until now a candidate row, one per address, held the identity (civility,
-- names, phone), and each new application with the address overwrote it for
-- every administration. The identity now lives on the application: the
-- candidate row keeps only the address (the key of the tracking space) and
-- its erasure. Each application gets the identity its recruiters saw before
-- this migration; an application already anonymised by retention gets none
-- (its recruiters saw "candidat·e supprimé·e" once the candidate was erased,
-- and the retention meant it to hold nothing).
--
-- Also here: the application a tracking link was sent for (the space's
-- default target for changes of details), transfers to another
-- administration that wait for the candidate's consent, and merges of two
-- addresses that wait for a confirmation from each.

-- +goose Up
ALTER TABLE applications
    ADD COLUMN civility   text NOT NULL DEFAULT '' CHECK (civility IN ('', 'madame', 'monsieur')),
    ADD COLUMN first_name text NOT NULL DEFAULT '' CHECK (length(first_name) <= 100),
    ADD COLUMN last_name  text NOT NULL DEFAULT '' CHECK (length(last_name) <= 100),
    ADD COLUMN phone      text NOT NULL DEFAULT '' CHECK (length(phone) <= 40);

UPDATE applications a SET civility = c.civility, first_name = c.first_name, last_name = c.last_name, phone = c.phone
FROM candidates c WHERE c.id = a.candidate_id AND a.category <> 'anonymisee';

DROP INDEX candidates_name_phone_idx;
DROP INDEX candidates_full_name_lower_idx;
DROP INDEX candidates_last_name_lower_idx;
ALTER TABLE candidates DROP COLUMN civility, DROP COLUMN first_name, DROP COLUMN last_name, DROP COLUMN phone;

-- The pipeline's search by name, and the possible duplicates (same name and
-- phone) of one administration.
CREATE INDEX applications_last_name_lower_idx ON applications (lower(last_name));
CREATE INDEX applications_full_name_lower_idx ON applications (lower(first_name || ' ' || last_name));
CREATE INDEX applications_name_phone_idx ON applications
    (administration_id, lower(first_name || ' ' || last_name), regexp_replace(phone, '[^0-9+]', '', 'g'))
    WHERE phone <> '' AND category <> 'anonymisee';

ALTER TABLE tracking_links ADD COLUMN application_id bigint REFERENCES applications (id) ON DELETE SET NULL;

-- A transfer to another administration: proposed by an agent, decided by the
-- candidate from their space; nothing reaches the receiving administration
-- before acceptance. One pending transfer per application.
CREATE TABLE application_transfers (
    id                     bigserial PRIMARY KEY,
    application_id         bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    from_administration_id bigint NOT NULL REFERENCES administrations (id) ON DELETE CASCADE,
    to_administration_id   bigint NOT NULL REFERENCES administrations (id) ON DELETE CASCADE,
    agent_email            text NOT NULL DEFAULT '',
    created_at             timestamptz NOT NULL DEFAULT now(),
    expires_at             timestamptz NOT NULL,
    decided_at             timestamptz,
    outcome                text NOT NULL DEFAULT 'en_attente'
                           CHECK (outcome IN ('en_attente', 'acceptee', 'refusee', 'expiree', 'annulee')),
    new_application_id     bigint REFERENCES applications (id) ON DELETE SET NULL,
    CHECK ((outcome = 'en_attente') = (decided_at IS NULL))
);
CREATE UNIQUE INDEX application_transfers_pending_idx ON application_transfers (application_id) WHERE outcome = 'en_attente';
CREATE INDEX application_transfers_expiry_idx ON application_transfers (expires_at) WHERE outcome = 'en_attente';

-- Two addresses that may be one person: linked ("même personne ?") until
-- the person confirms from each address's space; only then do the
-- applications of the second move to the first.
CREATE TABLE candidate_merges (
    id                 bigserial PRIMARY KEY,
    administration_id  bigint NOT NULL REFERENCES administrations (id) ON DELETE CASCADE,
    keep_id            bigint NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    other_id           bigint NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    matched            text NOT NULL DEFAULT '', -- what made them look alike, in words
    agent_email        text NOT NULL DEFAULT '',
    created_at         timestamptz NOT NULL DEFAULT now(),
    expires_at         timestamptz NOT NULL,
    keep_confirmed_at  timestamptz,
    other_confirmed_at timestamptz,
    decided_at         timestamptz,
    outcome            text NOT NULL DEFAULT 'en_attente'
                       CHECK (outcome IN ('en_attente', 'fusionnee', 'refusee', 'expiree', 'annulee')),
    CHECK (keep_id <> other_id)
);
CREATE UNIQUE INDEX candidate_merges_pending_idx ON candidate_merges
    (administration_id, least(keep_id, other_id), greatest(keep_id, other_id)) WHERE outcome = 'en_attente';
CREATE INDEX candidate_merges_other_idx ON candidate_merges (other_id);
CREATE INDEX candidate_merges_keep_idx ON candidate_merges (keep_id);

-- +goose Down
DROP TABLE candidate_merges;
DROP TABLE application_transfers;
ALTER TABLE tracking_links DROP COLUMN application_id;
DROP INDEX applications_name_phone_idx;
DROP INDEX applications_full_name_lower_idx;
DROP INDEX applications_last_name_lower_idx;
ALTER TABLE candidates
    ADD COLUMN civility   text NOT NULL DEFAULT '' CHECK (civility IN ('', 'madame', 'monsieur')),
    ADD COLUMN first_name text NOT NULL DEFAULT '',
    ADD COLUMN last_name  text NOT NULL DEFAULT '',
    ADD COLUMN phone      text NOT NULL DEFAULT '';
-- Back to one identity per address: the latest application's that has one.
UPDATE candidates c SET civility = a.civility, first_name = a.first_name, last_name = a.last_name, phone = a.phone
FROM (SELECT DISTINCT ON (candidate_id) candidate_id, civility, first_name, last_name, phone
      FROM applications ORDER BY candidate_id, category = 'anonymisee', created_at DESC, id DESC) a
WHERE a.candidate_id = c.id;
CREATE INDEX candidates_last_name_lower_idx ON candidates (lower(last_name));
CREATE INDEX candidates_full_name_lower_idx ON candidates (lower(first_name || ' ' || last_name));
CREATE INDEX candidates_name_phone_idx ON candidates
    (lower(first_name || ' ' || last_name), regexp_replace(phone, '[^0-9+]', '', 'g')) WHERE phone <> '' AND erased_at IS NULL;
ALTER TABLE applications DROP COLUMN phone, DROP COLUMN last_name, DROP COLUMN first_name, DROP COLUMN civility;
