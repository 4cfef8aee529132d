package main

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"
	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"

	"vivier"
)

// seedApplication is an application loaded without the apply form (the
// demo data): its history is given, and no email is sent, so no outbox row
// is written. Its CV goes to the file store like a real one.
type seedApplication struct {
	AdministrationID int64
	OfferID          *int64 // nil: spontaneous
	DomaineCode      *string
	Civility         string
	FirstName        string
	LastName         string
	Email            string
	Phone            string
	Source           string
	LetterText       string
	TalentPool       bool
	IdempotencyKey   string // a second load skips the applications it already made
	CreatedAt        time.Time
	CV               *vivier.Upload
	Moves            []seedMove // after the receipt, oldest first
}

// seedMove is one event of a seedApplication's history.
type seedMove struct {
	At       time.Time
	StageID  int64 // 0 for a withdrawal, which names no step
	Step     string
	From, To vivier.Category
	ReasonID int64
	Reason   string
	Actor    string
}

// loadSeedApplications loads the applications whose idempotency key is not
// known yet, in one transaction of a few multi-row statements, and returns
// how many it made.
func loadSeedApplications(ctx context.Context, db *sqlx.DB, apps []seedApplication, files vivier.FileStore) (int, error) {
	keys := make([]string, len(apps))
	for i, a := range apps {
		keys[i] = a.IdempotencyKey
	}
	var known []string
	if err := db.SelectContext(ctx, &known, `SELECT idempotency_key::text FROM applications WHERE idempotency_key = ANY($1::uuid[])`,
		pq.Array(keys)); err != nil {
		return 0, fmt.Errorf("seed applications: %w", err)
	}
	skip := map[string]bool{}
	for _, k := range known {
		skip[k] = true
	}
	var todo []seedApplication
	for _, a := range apps {
		if !skip[a.IdempotencyKey] {
			todo = append(todo, a)
			skip[a.IdempotencyKey] = true
		}
	}
	if len(todo) == 0 {
		return 0, nil
	}
	fileKeys, err := putSeedFiles(ctx, files, todo)
	if err != nil {
		return 0, err
	}
	if err := inSeedTx(ctx, db, func(tx *sqlx.Tx) error { return insertSeed(ctx, tx, todo, fileKeys) }); err != nil {
		for _, k := range fileKeys {
			if k != "" {
				_ = files.Delete(context.WithoutCancel(ctx), k)
			}
		}
		return 0, err
	}
	return len(todo), nil
}

// putSeedFiles stores the CVs, four at a time (each write is synced).
func putSeedFiles(ctx context.Context, files vivier.FileStore, apps []seedApplication) ([]string, error) {
	out := make([]string, len(apps))
	work := make(chan int)
	var mu sync.Mutex
	var first error
	var wg sync.WaitGroup
	for range 4 {
		wg.Go(func() {
			for i := range work {
				cv := apps[i].CV
				if cv == nil {
					continue
				}
				key := "applications/" + uuid.NewString() + "/cv"
				if err := files.Put(ctx, key, cv.Data, cv.ContentType); err != nil {
					mu.Lock()
					first = err
					mu.Unlock()
					continue
				}
				out[i] = key
			}
		})
	}
	for i := range apps {
		work <- i
	}
	close(work)
	wg.Wait()
	if first != nil {
		for _, k := range out {
			if k != "" {
				_ = files.Delete(context.WithoutCancel(ctx), k)
			}
		}
		return nil, fmt.Errorf("seed applications: %w", first)
	}
	return out, nil
}

// inSeedTx runs fn in a transaction, committed when fn returns nil.
func inSeedTx(ctx context.Context, db *sqlx.DB, fn func(tx *sqlx.Tx) error) error {
	tx, err := db.BeginTxx(ctx, nil)
	if err != nil {
		return fmt.Errorf("seed applications: begin: %w", err)
	}
	if err := fn(tx); err != nil {
		_ = tx.Rollback()
		return fmt.Errorf("seed applications: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("seed applications: commit: %w", err)
	}
	return nil
}

func insertSeed(ctx context.Context, tx *sqlx.Tx, apps []seedApplication, fileKeys []string) error {
	// Candidates: one per email, those already known kept as they are; the
	// identity goes with each application.
	var emails []string
	seen := map[string]bool{}
	for _, a := range apps {
		if !seen[a.Email] {
			seen[a.Email] = true
			emails = append(emails, a.Email)
		}
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO candidates (email) SELECT * FROM unnest($1::text[]) ON CONFLICT (email) DO NOTHING`,
		pq.Array(emails)); err != nil {
		return err
	}
	// Applications, in their final step; NULLs travel as empty strings.
	cols := make([][]string, 17)
	for _, a := range apps {
		category, stage, updated := vivier.CategoryNew, "", a.CreatedAt
		if n := len(a.Moves); n > 0 {
			last := a.Moves[n-1]
			category, updated = last.To, last.At
			for _, m := range a.Moves {
				if m.StageID != 0 {
					stage = strconv.FormatInt(m.StageID, 10)
				}
			}
		}
		offer, domaine, pool, reason := "", "", "", ""
		if a.OfferID != nil {
			offer = strconv.FormatInt(*a.OfferID, 10)
		}
		if a.DomaineCode != nil {
			domaine = *a.DomaineCode
		}
		if a.TalentPool {
			pool = a.CreatedAt.Format(time.RFC3339Nano)
		}
		if category == vivier.CategoryWithdrawn {
			reason = a.Moves[len(a.Moves)-1].Reason
		}
		for i, v := range []string{strconv.FormatInt(a.AdministrationID, 10), offer, a.Email, string(category), stage, a.Source,
			a.LetterText, domaine, a.CreatedAt.Format(time.RFC3339Nano), pool, a.IdempotencyKey, reason, updated.Format(time.RFC3339Nano),
			a.Civility, a.FirstName, a.LastName, a.Phone} {
			cols[i] = append(cols[i], v)
		}
	}
	var rows []struct {
		ID  int64  `db:"id"`
		Key string `db:"idempotency_key"`
	}
	if err := tx.SelectContext(ctx, &rows, `
		INSERT INTO applications (administration_id, offer_id, candidate_id, category, stage_id, source, letter_text, domaine_code,
			consent_at, talent_pool_at, idempotency_key, withdraw_reason, created_at, updated_at, last_activity_at,
			civility, first_name, last_name, phone)
		SELECT x.adm::bigint, NULLIF(x.offer, '')::bigint, c.id, x.category, NULLIF(x.stage, '')::bigint, x.source, x.letter,
			NULLIF(x.domaine, ''), x.created::timestamptz, NULLIF(x.pool, '')::timestamptz, x.key::uuid, x.reason,
			x.created::timestamptz, x.updated::timestamptz, x.updated::timestamptz, x.civility, x.first_name, x.last_name, x.phone
		FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[],
			$10::text[], $11::text[], $12::text[], $13::text[], $14::text[], $15::text[], $16::text[], $17::text[])
			AS x (adm, offer, email, category, stage, source, letter, domaine, created, pool, key, reason, updated,
				civility, first_name, last_name, phone)
		JOIN candidates c ON c.email = x.email
		ON CONFLICT (idempotency_key) DO NOTHING
		RETURNING id, idempotency_key::text`,
		pq.Array(cols[0]), pq.Array(cols[1]), pq.Array(cols[2]), pq.Array(cols[3]), pq.Array(cols[4]), pq.Array(cols[5]),
		pq.Array(cols[6]), pq.Array(cols[7]), pq.Array(cols[8]), pq.Array(cols[9]), pq.Array(cols[10]), pq.Array(cols[11]),
		pq.Array(cols[12]), pq.Array(cols[13]), pq.Array(cols[14]), pq.Array(cols[15]), pq.Array(cols[16])); err != nil {
		return err
	}
	ids := map[string]int64{}
	for _, r := range rows {
		ids[r.Key] = r.ID
	}
	// Files and events.
	var fApp []int64
	var fKey, fName, fType, fSHA, fText, fAt []string
	var fSize []int64
	var eApp []int64
	var eAt, eActor, eFrom, eTo, eStep, eReason, eStage, eRefusal []string
	var eSent []bool
	for i, a := range apps {
		id, ok := ids[a.IdempotencyKey]
		if !ok {
			continue // made meanwhile by another load
		}
		if a.CV != nil && fileKeys[i] != "" {
			fApp, fKey, fName, fType = append(fApp, id), append(fKey, fileKeys[i]), append(fName, a.CV.Name), append(fType, a.CV.ContentType)
			fSize, fSHA, fText, fAt = append(fSize, a.CV.Size), append(fSHA, a.CV.SHA256), append(fText, a.CV.Text), append(fAt, a.CreatedAt.Format(time.RFC3339Nano))
		}
		events := append([]seedMove{{At: a.CreatedAt, To: vivier.CategoryNew, Actor: "candidat·e"}}, a.Moves...)
		for j, m := range events {
			stage, refusal := "", ""
			if m.StageID != 0 {
				stage = strconv.FormatInt(m.StageID, 10)
			}
			if m.ReasonID != 0 {
				refusal = strconv.FormatInt(m.ReasonID, 10)
			}
			eApp, eAt, eActor = append(eApp, id), append(eAt, m.At.Format(time.RFC3339Nano)), append(eActor, m.Actor)
			eFrom, eTo, eStep, eReason = append(eFrom, string(m.From)), append(eTo, string(m.To)), append(eStep, m.Step), append(eReason, m.Reason)
			eStage, eRefusal = append(eStage, stage), append(eRefusal, refusal)
			// The receipt and the decisions were told to the candidate.
			eSent = append(eSent, j == 0 || m.To == vivier.CategoryAccepted || m.To == vivier.CategoryRefused)
		}
	}
	if _, err := tx.ExecContext(ctx, `
		INSERT INTO application_files (application_id, kind, file_key, name, content_type, size, sha256, text, created_at)
		SELECT app, 'cv', key, name, type, size, sha, txt, at::timestamptz
		FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::bigint[], $6::text[], $7::text[], $8::text[])
			AS x (app, key, name, type, size, sha, txt, at)`,
		pq.Array(fApp), pq.Array(fKey), pq.Array(fName), pq.Array(fType), pq.Array(fSize), pq.Array(fSHA), pq.Array(fText), pq.Array(fAt)); err != nil {
		return err
	}
	_, err := tx.ExecContext(ctx, `
		INSERT INTO application_events (application_id, at, actor, from_category, to_category, step, reason, stage_id,
			refusal_reason_id, email_sent)
		SELECT app, at::timestamptz, actor, from_c, to_c, step, reason, NULLIF(stage, '')::bigint, NULLIF(refusal, '')::bigint, sent
		FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[], $8::text[], $9::text[], $10::bool[])
			AS x (app, at, actor, from_c, to_c, step, reason, stage, refusal, sent)`,
		pq.Array(eApp), pq.Array(eAt), pq.Array(eActor), pq.Array(eFrom), pq.Array(eTo), pq.Array(eStep), pq.Array(eReason),
		pq.Array(eStage), pq.Array(eRefusal), pq.Array(eSent))
	return err
}
