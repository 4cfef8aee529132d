-- "Other offers" on an offer page: the latest published offers of a domaine
-- and of an administration, read from an index in published order.

-- +goose Up
CREATE INDEX offers_domaine_published_idx ON offers (domaine_code, published_at DESC) WHERE status = 'published';
CREATE INDEX offers_administration_published_idx ON offers (administration_id, published_at DESC) WHERE status = 'published';

-- +goose Down
DROP INDEX offers_administration_published_idx;
DROP INDEX offers_domaine_published_idx;
