-- Search at scale (issue 19).
--
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

-- The change feed of the in-memory search index (search_index.go): which
-- published offers changed, in which transaction. A search reads the rows of
-- the transactions that its snapshot may not have seen applied yet (xid at or
-- past the index's frontier), so it sees every committed change. Statement
-- triggers with transition tables: a bulk load logs in one insert per
-- statement. A TRUNCATE logs offer 0, which means "load everything again".
CREATE TABLE search_changes (
    seq      bigserial PRIMARY KEY,
    offer_id bigint NOT NULL,
    xid      xid8 NOT NULL DEFAULT pg_current_xact_id(),
    at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX search_changes_xid_idx ON search_changes (xid);

-- +goose StatementBegin
CREATE FUNCTION offers_search_changed() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO search_changes (offer_id) SELECT id FROM new_rows WHERE status = 'published';
    ELSIF TG_OP = 'UPDATE' THEN
        INSERT INTO search_changes (offer_id) SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id
            WHERE n.status = 'published' OR o.status = 'published';
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO search_changes (offer_id) SELECT id FROM old_rows WHERE status = 'published';
    ELSE
        INSERT INTO search_changes (offer_id) VALUES (0);
    END IF;
    RETURN NULL;
END $$;
-- +goose StatementEnd
CREATE TRIGGER offers_search_insert AFTER INSERT ON offers REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION offers_search_changed();
CREATE TRIGGER offers_search_update AFTER UPDATE ON offers REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION offers_search_changed();
CREATE TRIGGER offers_search_delete AFTER DELETE ON offers REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION offers_search_changed();
CREATE TRIGGER offers_search_truncate AFTER TRUNCATE ON offers
    FOR EACH STATEMENT EXECUTE FUNCTION offers_search_changed();

-- +goose Down
DROP TABLE search_changes;
DROP FUNCTION offers_search_changed() CASCADE;
DROP TABLE search_words;
