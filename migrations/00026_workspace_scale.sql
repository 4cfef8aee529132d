-- The recruiter's lists at the scale of a ministry (5 000 offers, 50 000
-- applications over a parent administration and its directions, measured
-- by BenchmarkWorkspace on `vivier seed --workspace`).
--
-- Applications of an administration, newest first, in the lists' total
-- order (created_at, id): a page, even a far one, and each administration
-- of a subtree merged page by page, are read from the index alone. It
-- covers what applications_administration_idx served.
--
-- The same per step (the step filter, and the count per step of every
-- offer together), and by name (the lists' "nom" order).
--
-- Pending applications (no decision yet): the promises to keep, the
-- overdue ones on the dashboard, and the "waiting for a decision" filter
-- walk a few thousand rows of one administration instead of all of them.
--
-- The talent pool starts from the consents of one administration, then
-- reads each person's last application there.
--
-- The back-office's offers list, every status together, most recently
-- changed first (its search has its own index, offers_list_text_idx).
--
-- The interviews waiting for the candidate's answer. (The mentions an
-- agent has not seen have their own index, with their state, in 00027.)

-- +goose Up
CREATE INDEX applications_administration_order_idx ON applications (administration_id, created_at DESC, id DESC);
DROP INDEX applications_administration_idx;
CREATE INDEX applications_administration_stage_idx ON applications (administration_id, stage_id, created_at DESC, id DESC);
CREATE INDEX applications_administration_name_idx ON applications (administration_id, lower(last_name), lower(first_name), id);
CREATE INDEX applications_pending_idx ON applications (administration_id, created_at, id)
    WHERE category IN ('nouvelle', 'en_cours');
CREATE INDEX applications_pool_idx ON applications (administration_id, talent_pool_at, candidate_id)
    WHERE talent_pool_at IS NOT NULL AND category <> 'anonymisee';
CREATE INDEX applications_candidate_last_idx ON applications (administration_id, candidate_id, created_at DESC, id DESC);
CREATE INDEX offers_administration_order_idx ON offers (administration_id, updated_at DESC, id DESC);
CREATE INDEX interviews_unanswered_idx ON interviews (administration_id, application_id)
    WHERE status IN ('propose', 'autre_creneau');

-- +goose Down
DROP INDEX interviews_unanswered_idx;
DROP INDEX offers_administration_order_idx;
DROP INDEX applications_candidate_last_idx;
DROP INDEX applications_pool_idx;
DROP INDEX applications_pending_idx;
DROP INDEX applications_administration_name_idx;
DROP INDEX applications_administration_stage_idx;
CREATE INDEX applications_administration_idx ON applications (administration_id, created_at DESC);
DROP INDEX applications_administration_order_idx;
