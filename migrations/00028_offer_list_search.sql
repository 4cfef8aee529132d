-- The back office's offers list searches an administration's offers, of
-- every status, by title or reference ("infirm", "2026-0042"): a trigram
-- index over both, accents ignored, keeps it fast with thousands of offers.
-- The public search's title index covers published offers only.

-- +goose Up
CREATE INDEX offers_list_text_idx ON offers USING gin (immutable_unaccent(title || ' ' || reference) gin_trgm_ops);

-- +goose Down
DROP INDEX offers_list_text_idx;
