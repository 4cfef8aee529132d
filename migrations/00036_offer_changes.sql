-- The open-data change feed. Each offer has one row here, rewritten by a
-- trigger in the same transaction as every change of the offer (insert,
-- update, delete), so that no writer can forget it. The row carries the
-- writing transaction's id: the feed pages by (xid, offer_id) and serves
-- only rows whose transaction is older than the oldest one still running
-- (pg_snapshot_xmin), so a transaction that commits late with an older
-- number is never skipped by a reader who has moved on. One row per offer
-- keeps the table the size of offers: a reader needs only the latest
-- change of each offer, since it reads the offer's state as it is now.

-- +goose Up
CREATE TABLE offer_changes (
    offer_id   bigint PRIMARY KEY,
    xid        xid8 NOT NULL DEFAULT pg_current_xact_id(),
    changed_at timestamptz NOT NULL DEFAULT now(),
    deleted    boolean NOT NULL DEFAULT false
);
CREATE INDEX offer_changes_order_idx ON offer_changes (xid, offer_id);

-- +goose StatementBegin
CREATE FUNCTION record_offer_change() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    changed bigint := CASE WHEN TG_OP = 'DELETE' THEN OLD.id ELSE NEW.id END;
BEGIN
    INSERT INTO offer_changes (offer_id, deleted) VALUES (changed, TG_OP = 'DELETE')
    ON CONFLICT (offer_id) DO UPDATE
        SET xid = pg_current_xact_id(), changed_at = now(), deleted = EXCLUDED.deleted;
    RETURN NULL;
END $$;
-- +goose StatementEnd

-- Every update counts, even one that changes nothing: offers has a point
-- column, which has no equality to compare whole rows with.
CREATE TRIGGER offers_record_change AFTER INSERT OR UPDATE OR DELETE ON offers
    FOR EACH ROW EXECUTE FUNCTION record_offer_change();

-- The employer's name is a column of the feed: renaming it changes its offers.
-- +goose StatementBegin
CREATE FUNCTION record_administration_rename() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO offer_changes (offer_id)
    SELECT id FROM offers WHERE administration_id = NEW.id AND published_at IS NOT NULL
    ON CONFLICT (offer_id) DO UPDATE SET xid = pg_current_xact_id(), changed_at = now();
    RETURN NULL;
END $$;
-- +goose StatementEnd

CREATE TRIGGER administrations_record_rename AFTER UPDATE OF name ON administrations
    FOR EACH ROW WHEN (OLD.name IS DISTINCT FROM NEW.name) EXECUTE FUNCTION record_administration_rename();

INSERT INTO offer_changes (offer_id, changed_at) SELECT id, updated_at FROM offers;

-- +goose Down
DROP TRIGGER administrations_record_rename ON administrations;
DROP FUNCTION record_administration_rename();
DROP TRIGGER offers_record_change ON offers;
DROP FUNCTION record_offer_change();
DROP TABLE offer_changes;
