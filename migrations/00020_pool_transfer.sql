-- The talent pool's invitations, the transfer of an application (to another
-- offer or another administration) and what a transferred application
-- becomes where it came from.

-- +goose Up
-- One invitation per candidate and offer: a candidate is never invited twice
-- to the same offer, whoever clicks.
CREATE TABLE pool_invitations (
    id                bigserial PRIMARY KEY,
    administration_id bigint NOT NULL REFERENCES administrations (id) ON DELETE CASCADE,
    candidate_id      bigint NOT NULL REFERENCES candidates (id) ON DELETE CASCADE,
    offer_id          bigint NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
    agent_id          bigint REFERENCES agents (id) ON DELETE SET NULL,
    created_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (candidate_id, offer_id)
);
CREATE INDEX pool_invitations_administration_idx ON pool_invitations (administration_id, created_at DESC);

-- A transferred application is closed where it was: "transferee" joins the
-- categories that are not decisions (like retiree), with no step.
ALTER TABLE applications DROP CONSTRAINT applications_category_check;
ALTER TABLE applications ADD CONSTRAINT applications_category_check
    CHECK (category IN ('nouvelle', 'en_cours', 'acceptee', 'refusee', 'retiree', 'anonymisee', 'transferee'));
-- The application a transfer to another administration came from.
ALTER TABLE applications ADD COLUMN transferred_from bigint REFERENCES applications (id) ON DELETE SET NULL;

-- Possible duplicates: candidates with the same name and phone among one
-- administration's applications.
CREATE INDEX candidates_name_phone_idx ON candidates
    (lower(first_name || ' ' || last_name), regexp_replace(phone, '[^0-9+]', '', 'g')) WHERE phone <> '' AND erased_at IS NULL;

-- +goose Down
DROP INDEX candidates_name_phone_idx;
ALTER TABLE applications DROP COLUMN transferred_from;
UPDATE applications SET category = 'retiree' WHERE category = 'transferee';
ALTER TABLE applications DROP CONSTRAINT applications_category_check;
ALTER TABLE applications ADD CONSTRAINT applications_category_check
    CHECK (category IN ('nouvelle', 'en_cours', 'acceptee', 'refusee', 'retiree', 'anonymisee'));
DROP TABLE pool_invitations;
