-- Prefix search of the typing help, and a trigram one for typos.
CREATE INDEX communes_search_prefix_idx ON communes (search text_pattern_ops);
CREATE INDEX communes_search_trgm_idx ON communes USING gin (search gin_trgm_ops);
CREATE INDEX communes_departement_idx ON communes (departement_code);

UPDATE communes c SET lat = v.lat, lng = v.lng FROM (VALUES
    ('Ajaccio', '2A', 41.9192, 8.7386),
    ('Amiens', '80', 49.8941, 2.2958),
    ('Angers', '49', 47.4784, -0.5632),
    ('Basse-Terre', '971', 15.9985, -61.7261),
    ('Besançon', '25', 47.2378, 6.0241),
    ('Bordeaux', '33', 44.8378, -0.5792),
    ('Brest', '29', 48.3904, -4.4861),
    ('Caen', '14', 49.1829, -0.3707),
    ('Cayenne', '973', 4.9224, -52.3135),
    ('Clermont-Ferrand', '63', 45.7772, 3.0870),
    ('Dijon', '21', 47.3220, 5.0415),
    ('Fort-de-France', '972', 14.6161, -61.0588),
    ('Grenoble', '38', 45.1885, 5.7245),
    ('Le Havre', '76', 49.4944, 0.1079),
    ('Lille', '59', 50.6292, 3.0573),
    ('Limoges', '87', 45.8336, 1.2611),
    ('Lyon', '69', 45.7640, 4.8357),
    ('Mamoudzou', '976', -12.7806, 45.2279),
    ('Marseille', '13', 43.2965, 5.3698),
    ('Metz', '57', 49.1193, 6.1757),
    ('Montpellier', '34', 43.6108, 3.8767),
    ('Nancy', '54', 48.6921, 6.1844),
    ('Nantes', '44', 47.2184, -1.5536),
    ('Nice', '06', 43.7102, 7.2620),
    ('Nîmes', '30', 43.8367, 4.3601),
    ('Orléans', '45', 47.9030, 1.9093),
    ('Paris', '75', 48.8566, 2.3522),
    ('Poitiers', '86', 46.5802, 0.3404),
    ('Reims', '51', 49.2583, 4.0317),
    ('Rennes', '35', 48.1173, -1.6778),
    ('Rouen', '76', 49.4432, 1.0999),
    ('Saint-Denis', '974', -20.8821, 55.4507),
    ('Saint-Étienne', '42', 45.4397, 4.3872),
    ('Strasbourg', '67', 48.5734, 7.7521),
    ('Toulon', '83', 43.1242, 5.9280),
    ('Toulouse', '31', 43.6047, 1.4442),
    ('Tours', '37', 47.3941, 0.6848)
) AS v (name, dep, lat, lng) WHERE c.name = v.name AND c.departement_code = v.dep;

-- The métiers of the typing help, found by any word of their label.
CREATE INDEX metiers_label_trgm_idx ON metiers USING gin (lower(immutable_unaccent(label)) gin_trgm_ops);

-- The box around every located place of an offer (x = longitude, y =
-- latitude), derived from the locations so that no writer can forget it: its
-- GiST index finds the offers near a point whatever place matches, and
-- locations_within then checks the exact great-circle distance of each place.
CREATE FUNCTION locations_box(locs jsonb) RETURNS box
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN (SELECT box(point(min(p.lng), min(p.lat)), point(max(p.lng), max(p.lat)))
        FROM (SELECT (l ->> 'longitude')::float8 AS lng, (l ->> 'latitude')::float8 AS lat
              FROM jsonb_array_elements(CASE WHEN jsonb_typeof(locs) = 'array' THEN locs ELSE '[]'::jsonb END) AS l
              WHERE jsonb_typeof(l -> 'latitude') = 'number' AND jsonb_typeof(l -> 'longitude') = 'number') AS p
        HAVING count(*) > 0);
CREATE FUNCTION locations_within(locs jsonb, lat float8, lng float8, km float8) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN EXISTS (SELECT 1
        FROM jsonb_array_elements(CASE WHEN jsonb_typeof(locs) = 'array' THEN locs ELSE '[]'::jsonb END) AS l
        WHERE jsonb_typeof(l -> 'latitude') = 'number' AND jsonb_typeof(l -> 'longitude') = 'number'
          AND 2 * 6371.0088 * asin(sqrt(power(sin(radians((l ->> 'latitude')::float8 - lat) / 2), 2)
              + cos(radians(lat)) * cos(radians((l ->> 'latitude')::float8))
              * power(sin(radians((l ->> 'longitude')::float8 - lng) / 2), 2))) <= km);
ALTER TABLE offers ADD COLUMN places_box box GENERATED ALWAYS AS (locations_box(locations)) STORED;
CREATE INDEX offers_places_box_idx ON offers USING gist (places_box) WHERE status = 'published' AND places_box IS NOT NULL;

-- +goose Down
DROP INDEX offers_places_box_idx;
ALTER TABLE offers DROP COLUMN places_box;
DROP FUNCTION locations_within(jsonb, float8, float8, float8);
DROP FUNCTION locations_box(jsonb);
DROP INDEX metiers_label_trgm_idx;
DROP TABLE communes;
