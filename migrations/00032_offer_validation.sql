-- Validation before publication. An administration may ask that its
-- directions' offers (validate_directions), and its own (validate_own), be
-- validated by its agents holding offers:validate before they go online.
-- An offer waiting for that validation is 'pending'; the administration
-- whose setting asked for it is kept on the offer (validation_admin_id), so
-- that only its validators see and decide it, whatever the settings become
-- meanwhile. validated_at says the offer's substantive content was approved:
-- an edit of that content clears it.

-- +goose Up
ALTER TABLE administrations
    ADD COLUMN validate_directions boolean NOT NULL DEFAULT false,
    ADD COLUMN validate_own        boolean NOT NULL DEFAULT false;

ALTER TABLE offers DROP CONSTRAINT offers_status_check;
ALTER TABLE offers ADD CONSTRAINT offers_status_check
    CHECK (status IN ('draft', 'pending', 'scheduled', 'published', 'closed', 'archived'));
ALTER TABLE offers
    ADD COLUMN validation_admin_id bigint REFERENCES administrations (id) ON DELETE RESTRICT,
    ADD COLUMN validated_at        timestamptz,
    ADD CONSTRAINT offers_pending_validator CHECK (status <> 'pending' OR validation_admin_id IS NOT NULL);

CREATE INDEX offers_pending_idx ON offers (validation_admin_id, updated_at) WHERE status = 'pending';

-- The offer's validation history: each submission, approval, return (with
-- its comment) and each edit that sent a validated offer back. Rows are
-- never changed: the history is what happened.
CREATE TABLE offer_validation_steps (
    id                bigserial PRIMARY KEY,
    offer_id          bigint NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
    administration_id bigint NOT NULL REFERENCES administrations (id) ON DELETE RESTRICT,
    step              text NOT NULL CHECK (step IN ('submitted', 'approved', 'returned', 'resubmitted')),
    comment           text NOT NULL DEFAULT '' CHECK (length(comment) <= 5000),
    agent_id          bigint REFERENCES agents (id) ON DELETE SET NULL,
    agent_email       text NOT NULL DEFAULT '',
    created_at        timestamptz NOT NULL DEFAULT now(),
    CHECK (step <> 'returned' OR length(btrim(comment)) > 0)
);
CREATE INDEX offer_validation_steps_offer_idx ON offer_validation_steps (offer_id, id);
CREATE INDEX offer_validation_steps_agent_idx ON offer_validation_steps (agent_id, id) WHERE step = 'submitted';

-- +goose Down
DROP TABLE offer_validation_steps;
DROP INDEX offers_pending_idx;
ALTER TABLE offers DROP CONSTRAINT offers_pending_validator;
ALTER TABLE offers DROP COLUMN validated_at, DROP COLUMN validation_admin_id;
ALTER TABLE offers DROP CONSTRAINT offers_status_check;
ALTER TABLE offers ADD CONSTRAINT offers_status_check
    CHECK (status IN ('draft', 'scheduled', 'published', 'closed', 'archived'));
ALTER TABLE administrations DROP COLUMN validate_own, DROP COLUMN validate_directions;
