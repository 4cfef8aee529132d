-- The recruiters' pipeline: each administration names its own steps inside
-- the four categories the platform understands, and its own refusal reasons.
-- Both are seeded for every administration, existing and new (a trigger, so
-- that no code path creating an administration can forget them).

-- +goose Up
CREATE TABLE pipeline_steps (
    id                bigserial PRIMARY KEY,
    administration_id bigint NOT NULL REFERENCES administrations (id) ON DELETE CASCADE,
    name              text NOT NULL CHECK (length(name) BETWEEN 1 AND 60),
    category          text NOT NULL CHECK (category IN ('nouvelle', 'en_cours', 'acceptee', 'refusee')),
    position          integer NOT NULL,
    public            boolean NOT NULL DEFAULT false, -- the candidate may read the step's name
    created_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (administration_id, name),
    UNIQUE (administration_id, id) -- lets applications reference a step of their own administration
);
CREATE INDEX pipeline_steps_administration_idx ON pipeline_steps (administration_id, position);

CREATE TABLE refusal_reasons (
    id                bigserial PRIMARY KEY,
    administration_id bigint NOT NULL REFERENCES administrations (id) ON DELETE CASCADE,
    label             text NOT NULL CHECK (length(label) BETWEEN 1 AND 100),
    -- What the candidate reads, in kind words; empty: the email says no more
    -- than "not retained".
    candidate_text    text NOT NULL DEFAULT '' CHECK (length(candidate_text) <= 1000),
    position          integer NOT NULL,
    active            boolean NOT NULL DEFAULT true,
    UNIQUE (administration_id, label)
);

-- +goose StatementBegin
CREATE FUNCTION seed_pipeline(adm bigint) RETURNS void LANGUAGE sql AS $$
    INSERT INTO pipeline_steps (administration_id, name, category, position, public) VALUES
        (adm, 'Nouvelle', 'nouvelle', 10, true),
        (adm, 'Présélection', 'en_cours', 20, false),
        (adm, 'Entretien RH', 'en_cours', 30, true),
        (adm, 'Entretien technique', 'en_cours', 40, true),
        (adm, 'Jury', 'en_cours', 50, true),
        (adm, 'Proposition', 'en_cours', 60, false),
        (adm, 'Recrutée', 'acceptee', 70, true),
        (adm, 'Non retenue', 'refusee', 80, false)
    ON CONFLICT DO NOTHING;
    INSERT INTO refusal_reasons (administration_id, label, candidate_text, position) VALUES
        (adm, 'Profil ne correspondant pas au poste', 'Votre parcours a retenu notre attention, mais il ne correspond pas tout à fait au profil recherché pour ce poste.', 10),
        (adm, 'Poste pourvu', 'Le poste a été pourvu entre-temps.', 20),
        (adm, 'Candidature incomplète', 'Il manquait à votre candidature des éléments nécessaires pour l''étudier.', 30),
        (adm, 'Candidat·e injoignable', 'Nous n''avons pas réussi à vous joindre malgré plusieurs tentatives.', 40),
        (adm, 'Candidature en doublon', 'Vous nous aviez déjà adressé une candidature pour ce poste, que nous avons étudiée.', 50),
        (adm, 'Conditions d''accès non remplies', 'Les conditions d''accès à ce poste (statut, diplôme ou concours) ne sont pas remplies.', 60),
        (adm, 'Autre', '', 70)
    ON CONFLICT DO NOTHING;
$$;
-- +goose StatementEnd

-- +goose StatementBegin
CREATE FUNCTION seed_pipeline_trigger() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM seed_pipeline(NEW.id);
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER administrations_seed_pipeline AFTER INSERT ON administrations
    FOR EACH ROW EXECUTE FUNCTION seed_pipeline_trigger();
SELECT seed_pipeline(id) FROM administrations;

ALTER TABLE applications ADD COLUMN stage_id bigint;
ALTER TABLE applications ADD CONSTRAINT applications_stage_fk FOREIGN KEY (administration_id, stage_id)
    REFERENCES pipeline_steps (administration_id, id) ON DELETE RESTRICT;
UPDATE applications a SET stage_id = (SELECT s.id FROM pipeline_steps s
    WHERE s.administration_id = a.administration_id AND s.category = a.category ORDER BY s.position LIMIT 1);

-- A new application enters its administration's first step of its category,
-- whatever inserted it.
-- +goose StatementBegin
CREATE FUNCTION applications_first_stage() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.stage_id IS NULL THEN
        NEW.stage_id := (SELECT s.id FROM pipeline_steps s
            WHERE s.administration_id = NEW.administration_id AND s.category = NEW.category ORDER BY s.position LIMIT 1);
    END IF;
    RETURN NEW;
END $$;
-- +goose StatementEnd
CREATE TRIGGER applications_first_stage BEFORE INSERT ON applications
    FOR EACH ROW EXECUTE FUNCTION applications_first_stage();

-- The per-offer list filters by step and sorts by date on 10 000 rows.
CREATE INDEX applications_offer_stage_idx ON applications (offer_id, stage_id, created_at DESC, id DESC);
CREATE INDEX applications_offer_created_idx ON applications (offer_id, created_at DESC, id DESC);

-- Full-text search over the CV text and the answers, kept beside the rows.
ALTER TABLE application_files ADD COLUMN search tsvector
    GENERATED ALWAYS AS (to_tsvector('french'::regconfig, text)) STORED;
CREATE INDEX application_files_search_idx ON application_files USING gin (search);
ALTER TABLE applications ADD COLUMN search tsvector
    GENERATED ALWAYS AS (to_tsvector('french'::regconfig, letter_text) || to_tsvector('french'::regconfig, answers)) STORED;
CREATE INDEX applications_search_idx ON applications USING gin (search);

-- The history names the step and the reason chosen, to tell the candidate.
ALTER TABLE application_events
    ADD COLUMN stage_id bigint REFERENCES pipeline_steps (id) ON DELETE SET NULL,
    ADD COLUMN refusal_reason_id bigint REFERENCES refusal_reasons (id) ON DELETE SET NULL;

-- +goose Down
ALTER TABLE application_events DROP COLUMN refusal_reason_id, DROP COLUMN stage_id;
ALTER TABLE applications DROP COLUMN search;
ALTER TABLE application_files DROP COLUMN search;
DROP INDEX applications_offer_created_idx;
DROP INDEX applications_offer_stage_idx;
DROP TRIGGER applications_first_stage ON applications;
DROP FUNCTION applications_first_stage();
ALTER TABLE applications DROP COLUMN stage_id;
DROP TRIGGER administrations_seed_pipeline ON administrations;
DROP FUNCTION seed_pipeline_trigger();
DROP FUNCTION seed_pipeline(bigint);
DROP TABLE refusal_reasons;
DROP TABLE pipeline_steps;
