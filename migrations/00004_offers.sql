-- Offers: emplois, concours, stages, apprentissage. The fields follow the
-- offer model of CSPLab (Choisir le Service Public). What search filters on is
-- in columns; the rest of CSPLab's blocks is in jsonb, read with the offer.

-- +goose Up
CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
ALTER TEXT SEARCH CONFIGURATION french_unaccent
    ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;

CREATE TABLE offers (
    id                    bigserial PRIMARY KEY,
    administration_id     bigint NOT NULL REFERENCES administrations (id) ON DELETE CASCADE,
    kind                  text NOT NULL CHECK (kind IN ('emploi', 'concours', 'stage', 'apprentissage')),
    status                text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'scheduled', 'published', 'closed', 'archived')),
    reference             text NOT NULL CHECK (length(reference) BETWEEN 1 AND 100),
    source                text NOT NULL DEFAULT 'vivier',
    versant               text NOT NULL CHECK (versant IN ('etat', 'territoriale', 'hospitaliere')),
    title                 text NOT NULL CHECK (length(title) BETWEEN 1 AND 150),
    long_title            text NOT NULL DEFAULT '' CHECK (length(long_title) <= 1500),
    organisation_name     text NOT NULL DEFAULT '',
    organisation_siret    text NOT NULL DEFAULT '',
    domaine_code          text REFERENCES domaines_fonctionnels (code),
    metier_id             bigint REFERENCES metiers (id),
    categories            text[] NOT NULL DEFAULT '{}',
    contract_type         text NOT NULL DEFAULT '',
    contract_forms        text[] NOT NULL DEFAULT '{}',
    post_vacant           boolean NOT NULL DEFAULT true,
    mission               text NOT NULL DEFAULT '' CHECK (length(mission) <= 10000),
    profile               text NOT NULL DEFAULT '' CHECK (length(profile) <= 10000),
    employer_text         text NOT NULL DEFAULT '' CHECK (length(employer_text) <= 3000),
    complements           text NOT NULL DEFAULT '' CHECK (length(complements) <= 5000),
    region_codes          text[] NOT NULL DEFAULT '{}',
    departement_codes     text[] NOT NULL DEFAULT '{}',
    locations             jsonb NOT NULL DEFAULT '[]',
    experience            text NOT NULL DEFAULT '',
    workplace             text NOT NULL DEFAULT 'NON_DEFINI' CHECK (workplace IN ('NON_DEFINI', 'SUR_SITE', 'TELETRAVAIL')),
    management            boolean,
    open_to_internal      boolean NOT NULL DEFAULT true,
    open_to_contractuals  boolean NOT NULL DEFAULT false,
    criteria              jsonb NOT NULL DEFAULT '{}',
    conditions            jsonb NOT NULL DEFAULT '{}',
    contacts              jsonb NOT NULL DEFAULT '[]',
    details               jsonb NOT NULL DEFAULT '{}', -- concours, stage: their own fields
    cv_policy             text NOT NULL DEFAULT 'required' CHECK (cv_policy IN ('required', 'optional', 'none')),
    letter_policy         text NOT NULL DEFAULT 'optional' CHECK (letter_policy IN ('required', 'optional', 'none')),
    questions             jsonb NOT NULL DEFAULT '[]',
    publish_at            timestamptz,
    end_at                timestamptz,
    application_deadline  timestamptz,
    vacancy_start         date,
    published_at          timestamptz,
    closed_at             timestamptz,
    created_at            timestamptz NOT NULL DEFAULT now(),
    updated_at            timestamptz NOT NULL DEFAULT now(),
    -- Inclusive spellings ("Infirmier·ère") are split at the middle dot, and
    -- their feminine forms ("Infirmière") are spelt out in search_extra by
    -- the application, so that "infirmier" and "infirmière" both find them.
    search_extra          text NOT NULL DEFAULT '',
    search                tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('french_unaccent', translate(coalesce(title, ''), '·•', '  ') || ' ' || search_extra), 'A') ||
        setweight(to_tsvector('french_unaccent', coalesce(organisation_name, '')), 'B') ||
        setweight(to_tsvector('french_unaccent', translate(coalesce(mission, '') || ' ' || coalesce(profile, ''), '·•', '  ')), 'C')
    ) STORED,
    UNIQUE (administration_id, source, reference),
    CHECK (end_at IS NULL OR publish_at IS NULL OR end_at > publish_at)
);
CREATE INDEX offers_admin_idx ON offers (administration_id, status, updated_at DESC);
CREATE INDEX offers_published_idx ON offers (published_at DESC) WHERE status = 'published';
CREATE INDEX offers_search_idx ON offers USING gin (search);
CREATE INDEX offers_title_trgm_idx ON offers USING gin (title gin_trgm_ops);
CREATE INDEX offers_due_idx ON offers (publish_at) WHERE status = 'scheduled';
CREATE INDEX offers_expiring_idx ON offers (end_at) WHERE status = 'published';

CREATE TABLE offer_competences (
    offer_id      bigint NOT NULL REFERENCES offers (id) ON DELETE CASCADE,
    competence_id bigint NOT NULL REFERENCES competences (id),
    PRIMARY KEY (offer_id, competence_id)
);

-- +goose Down
DROP TABLE offer_competences;
DROP TABLE offers;
DROP TEXT SEARCH CONFIGURATION french_unaccent;
