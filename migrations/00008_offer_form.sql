-- The rest of the offer form: referentials that platform administrators
-- deactivate rather than delete (offers keep pointing at them), and the
-- lookup of a concours by the NOR of its arrêté, which the CSV import does
-- once per line.

-- +goose Up
ALTER TABLE metiers ADD COLUMN active boolean NOT NULL DEFAULT true;
ALTER TABLE competences ADD COLUMN active boolean NOT NULL DEFAULT true;
CREATE INDEX offers_nor_idx ON offers (administration_id, (details ->> 'nor')) WHERE kind = 'concours';

-- +goose Down
DROP INDEX offers_nor_idx;
ALTER TABLE competences DROP COLUMN active;
ALTER TABLE metiers DROP COLUMN active;
