-- The RMFP métiers as INGRES (the DGAFP's referential service) describes
-- them: a short and a long label, the family within the domaine fonctionnel,
-- a definition and the versants. Where a métier came from: typed by a
-- platform administrator (manual), imported from a CSV file (import), or
-- kept current from INGRES (ingres); only the last are retired when INGRES
-- stops listing them. Families are labelled where the métiers are, since
-- INGRES gives them with each métier.

-- +goose Up
ALTER TABLE metiers
    ADD COLUMN label_long   text NOT NULL DEFAULT '',
    ADD COLUMN family_code  text NOT NULL DEFAULT '',
    ADD COLUMN family_label text NOT NULL DEFAULT '',
    ADD COLUMN definition   text NOT NULL DEFAULT '',
    ADD COLUMN versants     text[] NOT NULL DEFAULT '{}',
    ADD COLUMN source       text NOT NULL DEFAULT 'manual' CHECK (source IN ('manual', 'import', 'ingres')),
    ADD COLUMN synced_at    timestamptz,
    -- Set when the source stopped listing the métier: a later list that has
    -- it again offers it again; a métier a platform administrator
    -- deactivated stays so.
    ADD COLUMN retired_at   timestamptz;

-- +goose Down
ALTER TABLE metiers
    DROP COLUMN label_long, DROP COLUMN family_code, DROP COLUMN family_label, DROP COLUMN definition,
    DROP COLUMN versants, DROP COLUMN source, DROP COLUMN synced_at, DROP COLUMN retired_at;
