-- "Vouliez-vous dire…": the words of the published offers' titles (and of
-- their inclusive forms), each with how many offers use it, so that a query
-- that finds nothing can be corrected word by word by trigram likeness. The
-- worker rebuilds it every hour (RefreshSearchWords): a few seconds at a
-- million offers, nothing on the paths of a search or a publication.

-- +goose Up
CREATE TABLE search_words (
    word   text PRIMARY KEY,          -- lower case, as written (accents kept): what the suggestion shows
    plain  text NOT NULL,             -- without accents: what likeness compares
    offers integer NOT NULL CHECK (offers > 0)
);
CREATE INDEX search_words_plain_idx ON search_words USING gin (plain gin_trgm_ops);
CREATE INDEX search_words_plain_eq_idx ON search_words (plain);
INSERT INTO search_words (word, plain, offers)
SELECT w, immutable_unaccent(w), count(DISTINCT id) FROM offers,
    regexp_split_to_table(lower(title || ' ' || search_extra), '[^[:alnum:]]+') w
WHERE status = 'published' AND length(w) >= 3
GROUP BY w;

-- +goose Down
DROP TABLE search_words;
