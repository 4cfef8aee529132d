-- What matching reads of an offer besides its columns: the referential's
-- skills it lists or its text names, found by the skills matcher in the
-- worker (a sweep after each save), and, when an embeddings service is
-- configured, the vector of its text. `version` is the digest of the
-- referential's terms the skills were found with: an edit of the
-- referential makes every row stale, and the sweep finds them again.

-- +goose Up
CREATE TABLE offer_match (
    offer_id        bigint PRIMARY KEY REFERENCES offers (id) ON DELETE CASCADE,
    skill_ids       bigint[] NOT NULL DEFAULT '{}',
    -- Those of its title, the post's own trade.
    title_skill_ids bigint[] NOT NULL DEFAULT '{}',
    version         text NOT NULL,
    computed_at     timestamptz NOT NULL DEFAULT now(),
    -- The offer's updated_at when its skills were read: they are stale when
    -- it differs (an edit's updated_at is its transaction's start, which
    -- may come before a read that commits earlier).
    skills_for      timestamptz,
    embedding       real[],
    embedding_model text,
    embedded_at     timestamptz,
    embedded_for    timestamptz -- the offer's updated_at its vector was made from
);
CREATE INDEX offer_match_skills_idx ON offer_match USING gin (skill_ids);
-- The offers saved lately, which a ranking reads again itself until the
-- sweep has found their skills.
CREATE INDEX offers_published_updated_idx ON offers (updated_at) WHERE status = 'published';

-- "Réseau" alone names a network of schools, roads or libraries as often as
-- a computer network: measured on the labelled set of the matching tests,
-- it sent teachers' and road workers' posts to network technicians. The
-- phrases stay ("administration réseau", "réseaux informatiques").
UPDATE competences SET synonyms = array_cat(array_remove(synonyms, 'réseau'), ARRAY['réseaux informatiques', 'réseau informatique', 'réseaux et systèmes', 'systèmes et réseaux'])
    WHERE slug = 'reseaux' AND 'réseau' = ANY (synonyms);

-- +goose Down
UPDATE competences SET synonyms = array_prepend('réseau', array(SELECT x FROM unnest(synonyms) x
    WHERE x NOT IN ('réseaux informatiques', 'réseau informatique', 'réseaux et systèmes', 'systèmes et réseaux')))
    WHERE slug = 'reseaux' AND NOT 'réseau' = ANY (synonyms);
DROP TABLE offer_match;
