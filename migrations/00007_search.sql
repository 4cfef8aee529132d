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

-- +goose Down
DROP INDEX offers_departements_idx;
DROP INDEX offers_regions_idx;
DROP INDEX offers_employer_idx;
DROP INDEX offers_geo_idx;
ALTER TABLE offers DROP COLUMN geo;
