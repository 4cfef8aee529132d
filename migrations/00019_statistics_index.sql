-- The statistics page walks the events of some hundred thousand
-- applications in their order (time in each step, first answer, hire): in
-- the order of this index and from it alone, without reading the table nor
-- sorting them. It covers what application_events_application_idx served.

-- +goose Up
CREATE INDEX application_events_stats_idx ON application_events (application_id, at, id)
    INCLUDE (stage_id, from_category, to_category);
DROP INDEX application_events_application_idx;

-- +goose Down
CREATE INDEX application_events_application_idx ON application_events (application_id, at);
DROP INDEX application_events_stats_idx;
