-- Anonymised screening ("présélection anonyme"): an offer may hide who its
-- candidates are from its reviewers until their application reaches a step
-- the administration chose. The database keeps when each application first
-- reached that step (a trigger, so that no code path moving an application
-- can forget it): once reached, the identity stays shown, even after a
-- refusal, since the reviewers have then met the person.

-- +goose Up
ALTER TABLE offers ADD COLUMN anonymous_until_step_id bigint;
-- A step still chosen by an offer cannot be removed (it would end the
-- masking silently).
ALTER TABLE offers ADD CONSTRAINT offers_anonymous_step_fk FOREIGN KEY (administration_id, anonymous_until_step_id)
    REFERENCES pipeline_steps (administration_id, id) ON DELETE RESTRICT;

ALTER TABLE applications ADD COLUMN screening_passed_at timestamptz;

-- +goose StatementBegin
CREATE FUNCTION screening_reached(p_offer bigint, p_stage bigint, p_category text) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT p_category IN ('en_cours', 'acceptee') AND EXISTS (
        SELECT 1 FROM offers o JOIN pipeline_steps u ON u.id = o.anonymous_until_step_id
        JOIN pipeline_steps s ON s.id = p_stage
        WHERE o.id = p_offer AND s.position >= u.position)
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION applications_screening_passed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.screening_passed_at IS NULL AND screening_reached(NEW.offer_id, NEW.stage_id, NEW.category) THEN
        NEW.screening_passed_at := now();
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER applications_screening_passed BEFORE INSERT OR UPDATE OF stage_id, category, offer_id ON applications
    FOR EACH ROW EXECUTE FUNCTION applications_screening_passed();

-- The one rule: an application's identity is masked while its offer screens
-- anonymously and it has not reached the chosen step. Queries call it on the
-- row (identity_masked(a)).
-- +goose StatementBegin
CREATE FUNCTION identity_masked(a applications) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT a.screening_passed_at IS NULL AND a.category <> 'anonymisee' AND EXISTS (
        SELECT 1 FROM offers o WHERE o.id = a.offer_id AND o.anonymous_until_step_id IS NOT NULL)
$$;
-- +goose StatementEnd

-- An administrator who needs a masked identity before the step reveals it
-- for themselves only, with a reason (also in the audit log).
CREATE TABLE identity_reveals (
    administration_id bigint NOT NULL REFERENCES administrations (id) ON DELETE CASCADE,
    application_id    bigint NOT NULL REFERENCES applications (id) ON DELETE CASCADE,
    agent_id          bigint NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    reason            text NOT NULL CHECK (length(reason) BETWEEN 1 AND 1000),
    created_at        timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (application_id, agent_id)
);

-- +goose Down
DROP TABLE identity_reveals;
DROP FUNCTION identity_masked(applications);
DROP TRIGGER applications_screening_passed ON applications;
DROP FUNCTION applications_screening_passed();
DROP FUNCTION screening_reached(bigint, bigint, text);
ALTER TABLE applications DROP COLUMN screening_passed_at;
ALTER TABLE offers DROP CONSTRAINT offers_anonymous_step_fk;
ALTER TABLE offers DROP COLUMN anonymous_until_step_id;
