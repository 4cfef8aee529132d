-- "Other offers" on an offer page: the latest published offers of a domaine,
-- read from an index in published order (those of the same administration
-- use offers_employer_idx).

-- +goose Up
CREATE INDEX offers_domaine_published_idx ON offers (domaine_code, published_at DESC) WHERE status = 'published';

-- +goose Down
DROP INDEX offers_domaine_published_idx;
