-- Search at scale: the distance filter and the indexes that keep the public
-- search fast past a million published offers.

-- +goose Up
-- The first location's point (x = longitude, y = latitude), derived from the
-- locations so that no writer can forget it. PostgreSQL's own point type and
-- a GiST index serve the bounding box of a distance search; the exact
-- great-circle distance is then checked on the few rows inside the box. We
-- do not use earthdistance: its ll_to_earth() calls cube functions by
-- unqualified name, which breaks an index on it under the empty search_path
-- of pg_restore.
ALTER TABLE offers ADD COLUMN geo point GENERATED ALWAYS AS (
    CASE WHEN jsonb_typeof(locations -> 0 -> 'latitude') = 'number'
          AND jsonb_typeof(locations -> 0 -> 'longitude') = 'number'
    THEN point((locations -> 0 ->> 'longitude')::float8, (locations -> 0 ->> 'latitude')::float8) END
) STORED;

-- Public search only ever reads published offers: partial indexes stay small
-- and the planner picks them because every search says status = 'published'.
CREATE INDEX offers_geo_idx ON offers USING gist (geo) WHERE status = 'published' AND geo IS NOT NULL;
CREATE INDEX offers_employer_idx ON offers (administration_id, published_at DESC) WHERE status = 'published';
CREATE INDEX offers_regions_idx ON offers USING gin (region_codes) WHERE status = 'published';
CREATE INDEX offers_departements_idx ON offers USING gin (departement_codes) WHERE status = 'published';

-- Any combination of the other filters, in one index (btree_gin brings the
-- scalar columns to GIN), so that a rare combination is found from the index
-- rather than by walking every published offer by date. The statistics tell
-- the planner how these columns go together (a stage is never of catégorie
-- A+), without which it multiplies their frequencies and misjudges rare
-- combinations as common.
CREATE EXTENSION IF NOT EXISTS btree_gin;
CREATE INDEX offers_filters_idx ON offers USING gin (kind, versant, categories, domaine_code, contract_type,
    experience, workplace, management) WHERE status = 'published';
CREATE STATISTICS offers_filters_stats (mcv, dependencies) ON kind, versant, domaine_code, contract_type, experience,
    workplace, management, administration_id FROM offers;

-- Short queries ("infirm", a typo) also match titles by trigram likeness,
-- accents ignored on both sides. unaccent() is only STABLE (its dictionary
-- could change), so an index needs this IMMUTABLE wrapper; its SQL-standard
-- body binds the dictionary when created, whatever the search_path later.
CREATE FUNCTION immutable_unaccent(text) RETURNS text
    LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE
    RETURN unaccent('unaccent'::regdictionary, $1);
DROP INDEX offers_title_trgm_idx;
CREATE INDEX offers_title_unaccent_idx ON offers USING gin (immutable_unaccent(title) gin_trgm_ops)
    WHERE status = 'published';

-- +goose Down
DROP INDEX offers_title_unaccent_idx;
CREATE INDEX offers_title_trgm_idx ON offers USING gin (title gin_trgm_ops);
DROP FUNCTION immutable_unaccent(text);
DROP STATISTICS offers_filters_stats;
DROP INDEX offers_filters_idx;
DROP INDEX offers_departements_idx;
DROP INDEX offers_regions_idx;
DROP INDEX offers_employer_idx;
DROP INDEX offers_geo_idx;
ALTER TABLE offers DROP COLUMN geo;
