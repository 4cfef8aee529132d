-- The legal pages of the platform (mentions légales, données personnelles,
-- déclaration d'accessibilité) as the platform administrators fill them in.
-- One row: the platform has one set. An empty text means "not filled in
-- yet", which the public pages say. The retention periods are not here: each
-- administration keeps its own (administrations.retention_months).

-- +goose Up
CREATE TABLE legal_pages (
    id boolean PRIMARY KEY DEFAULT true CHECK (id),
    -- mentions légales
    publisher_name text NOT NULL DEFAULT '',
    publisher_address text NOT NULL DEFAULT '',
    publication_director text NOT NULL DEFAULT '',
    host_name text NOT NULL DEFAULT '',
    host_address text NOT NULL DEFAULT '',
    host_contact text NOT NULL DEFAULT '',
    -- données personnelles
    controller_name text NOT NULL DEFAULT '',
    controller_address text NOT NULL DEFAULT '',
    dpo_email text NOT NULL DEFAULT '',
    dpo_address text NOT NULL DEFAULT '',
    purposes text NOT NULL DEFAULT '',
    legal_basis text NOT NULL DEFAULT '',
    -- déclaration d'accessibilité (RGAA)
    conformance text NOT NULL DEFAULT '' CHECK (conformance IN ('', 'non', 'partielle', 'totale')),
    conformance_rate numeric(5, 2) CHECK (conformance_rate BETWEEN 0 AND 100),
    rgaa_version text NOT NULL DEFAULT '',
    audit_date date,
    audited_by text NOT NULL DEFAULT '',
    audit_scope text NOT NULL DEFAULT '',
    technologies text[] NOT NULL DEFAULT '{}',
    non_compliant text[] NOT NULL DEFAULT '{}',
    derogations text[] NOT NULL DEFAULT '{}',
    exempt text[] NOT NULL DEFAULT '{}',
    accessibility_email text NOT NULL DEFAULT '',
    accessibility_other text NOT NULL DEFAULT '',
    declared_on date,
    updated_at timestamptz NOT NULL DEFAULT now()
);
INSERT INTO legal_pages DEFAULT VALUES;

-- +goose Down
DROP TABLE legal_pages;
