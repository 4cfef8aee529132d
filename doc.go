// Package vivier is the domain of Vivier, the recruitment back-office of the
// French public service: its types (administrations, agents, offers,
// applications, ...), their rules, the error codes every layer speaks, and
// the Store that persists them in PostgreSQL.
//
// The package imports no HTTP code: handlers in admin and candidate, and tasks
// in jobs, call the Store and map its error codes to their own world.
//
// # Where things are
//
// A file is named by its area first. area.go holds the area's types and
// rules, area_store.go the Store methods that persist them, with their SQL:
// no other file of the package holds SQL. An area's tests are in
// area_test.go.
//
//	Store               store.go (Store, options), db_store.go (pool, transactions, errors from PostgreSQL)
//	errors, time        error.go (codes), paris.go (the Paris time zone)
//	administrations     administration, scope (what an agent reaches), audit, legal (legal pages)
//	agents              agent, password, password_reset, invitation, role, session, api_token, notification
//	offers              offer, offer_blocks, offer_labels, offer_csplab, offer_api, offer_duplicate, offer_related,
//	                    offer_list (the back office's list, with a parent's directions),
//	                    offer_validation (validation before publication: settings, queue, decisions, history)
//	search              offer_search, offer_suggest, inclusive (inclusive writing), place (cities)
//	referentials        reference (domaines, régions, départements), referential (métiers, skills), concours_import
//	brand pages         brand, brand_render, image
//	applications        application (apply), document (CV checks), application_review, application_nav (place in a list), candidate_identity
//	                    application_documents (the offer's documents, pieces, requests, the checklist and the "incomplete" SQL)
//	                    anonymity (anonymised screening: masks, pseudonyms, redaction, reveals)
//	candidates' space   tracking, candidate_data (export, erasure), recruiter_message, response_promise
//	                    interview_booking (a convocation's slot chosen, changed and answered from the space)
//	between admins      transfer, transfer_consent, duplicates (merging candidates)
//	pipeline            pipeline (moves), pipeline_list, pipeline_board (cards, read marks), pipeline_steps, collab (notes, tags, ratings), interview,
//	                    interview_session (convocation sessions, Convoke),
//	                    queue ("Ma file": what waits for an agent, and a parent's directions in its lists)
//	selection boards    board (types), board_store (boards, grid, tie rule), board_assign_store, board_members_store (seats, outside members),
//	                    board_marks_store (marks, conflicts, a member's sheet, closing), board_results (ranking, pure),
//	                    board_results_store (results, minutes, applicants), board_lists_store (lists, pipeline moves, arrest)
//	talent pool, alerts pool, job_alert
//	mobility            mobility (agents' space: types, rules, email domains), mobility_store (links, sessions, erasure, purge),
//	                    mobility_profile_store (the agent's profile, views, invitations), mobility_search_store (recruiters'
//	                    search, views, invitations), mobility_offers_store (offers reserved to public agents)
//	retention           retention
//	statistics          stats, equality (women and men at each stage, the small-count rule)
//	partners            csp (CSP publication), sirh, sirh_batch_store, sirh_format, siret
//	emails              email (addresses), email_template, email_sent (sent once), email_bounce
//	background work     task (task names), outbox (tasks written with the change), outbox_done, periodic_run_store
//	secrets, tokens     secretbox, token, outbound (addresses tenants configure)
//	files, limits       filestore (FileStore, LocalFiles), ratelimit
//
// Store stays one type rather than one per area: its callers name a method,
// not a store, and this map says where each area's methods are.
package vivier
