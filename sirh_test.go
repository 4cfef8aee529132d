package vivier_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"vivier"
)

// hireWorld is pipelineWorld with an employer SIRET and a planned start.
func hireWorld(t *testing.T, n int) (*vivier.Store, *vivier.Administration, *vivier.Administration, []int64) {
	t.Helper()
	s, a, b, ids := pipelineWorld(t, n)
	s.DB().MustExec(`UPDATE administrations SET siret = '11000000000015' WHERE id = $1`, a.ID)
	s.DB().MustExec(`UPDATE offers SET vacancy_start = '2027-01-04' WHERE administration_id = $1`, a.ID)
	return s, a, b, ids
}

func moveTo(t *testing.T, s *vivier.Store, adminID, appID int64, step string, hire vivier.HireDetails) {
	t.Helper()
	m := vivier.Move{StageID: stepNamed(t, s, adminID, step).ID, Hire: hire}
	if _, err := s.MoveApplication(context.Background(), adminID, appID, m, vivier.Actor{Email: "rh@a.fr"}); err != nil {
		t.Fatalf("move %d to %s: %v", appID, step, err)
	}
}

func TestHireRecordedOnceAtTheLastAcceptedStep(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b, ids := hireWorld(t, 2)
	hires := func() int {
		return countWhere(t, s, `SELECT count(*) FROM sirh_hires WHERE administration_id = $1`, a.ID)
	}
	tasks := func() int {
		return countWhere(t, s, `SELECT count(*) FROM outbox WHERE task_type = $1`, vivier.TaskSIRHHire)
	}

	moveTo(t, s, a.ID, ids[0], "Proposition", vivier.HireDetails{})
	if hires() != 0 || tasks() != 0 {
		t.Fatalf("a step before the hire made %d records", hires())
	}
	moveTo(t, s, a.ID, ids[0], "Recrutée", vivier.HireDetails{})
	if hires() != 1 || tasks() != 1 {
		t.Fatalf("hired: %d records, %d tasks", hires(), tasks())
	}
	var h struct {
		First, Email, Phone, Ref, Post, SIRET, Nature, Cat string
		Start                                              time.Time
		Docs                                               string
	}
	if err := s.DB().QueryRowContext(ctx, `SELECT first_name, email, phone, offer_reference, post, siret, nature, categorie,
		start_date, documents::text FROM sirh_hires WHERE application_id = $1`, ids[0]).Scan(
		&h.First, &h.Email, &h.Phone, &h.Ref, &h.Post, &h.SIRET, &h.Nature, &h.Cat, &h.Start, &h.Docs); err != nil {
		t.Fatal(err)
	}
	// The offer's fixed-term contract makes a contractuel; its planned
	// start is the default date.
	if h.First != "Camille" || h.Email != "c0@exemple.fr" || h.Phone != "+33612345678" || h.Ref != "PIPE-1" ||
		h.Post != "Développeur·se back-end" || h.SIRET != "11000000000015" || h.Nature != "contractuel" || h.Cat != "A" ||
		h.Start.Format(time.DateOnly) != "2027-01-04" {
		t.Errorf("record = %+v", h)
	}
	if !strings.Contains(h.Docs, `"type": "cv"`) || !strings.Contains(h.Docs, "/admin/a/candidatures/") || strings.Contains(h.Docs, "permis") {
		t.Errorf("documents = %s", h.Docs)
	}
	// Reopened and hired again: still one record, one export.
	moveTo(t, s, a.ID, ids[0], "Entretien RH", vivier.HireDetails{})
	moveTo(t, s, a.ID, ids[0], "Recrutée", vivier.HireDetails{})
	if hires() != 1 || tasks() != 1 {
		t.Errorf("hired twice: %d records, %d tasks", hires(), tasks())
	}
	// What the recruiter says wins.
	start := time.Date(2027, 3, 1, 0, 0, 0, 0, time.UTC)
	moveTo(t, s, a.ID, ids[1], "Recrutée", vivier.HireDetails{StartDate: &start, Nature: vivier.NatureTitulaire})
	var nature string
	var got time.Time
	if err := s.DB().QueryRowContext(ctx, `SELECT nature, start_date FROM sirh_hires WHERE application_id = $1`, ids[1]).Scan(&nature, &got); err != nil ||
		nature != "titulaire" || !got.Equal(start) {
		t.Errorf("explicit details: %s %v %v", nature, got, err)
	}
	// Another administration sees none of it.
	if n, err := s.SIRHWaiting(ctx, b.ID); err != nil || n != 0 {
		t.Errorf("B waiting = %d, %v", n, err)
	}
	if _, err := s.BatchHire(ctx, b.ID, 1); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Errorf("B batching A's hire: %v", err)
	}
}

func batchFile(t *testing.T, s *vivier.Store, b *vivier.SIRHBatch, format string) []byte {
	t.Helper()
	b.Format = format
	var buf bytes.Buffer
	if _, err := s.WriteSIRHBatch(context.Background(), b, &buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func TestSIRHBatchFormats(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, _, ids := hireWorld(t, 1)
	s.DB().MustExec(`UPDATE applications SET last_name = '=HYPERLINK("x")'`)
	moveTo(t, s, a.ID, ids[0], "Recrutée", vivier.HireDetails{})
	var hireID int64
	if err := s.DB().Get(&hireID, `SELECT id FROM sirh_hires`); err != nil {
		t.Fatal(err)
	}
	b, err := s.BatchHire(ctx, a.ID, hireID)
	if err != nil || b.Hires != 1 || b.Format != vivier.SIRHCSV || b.Destination != vivier.SIRHFolder {
		t.Fatalf("batch = %+v, %v", b, err)
	}
	if again, err := s.BatchHire(ctx, a.ID, hireID); err != nil || again.ID != b.ID {
		t.Fatalf("batching again = %+v, %v; want the same batch", again, err)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM outbox WHERE task_type = $1`, vivier.TaskSIRHDeliver); n != 1 {
		t.Errorf("%d delivery tasks, want 1", n)
	}

	raw := batchFile(t, s, b, vivier.SIRHCSV)
	if !bytes.HasPrefix(raw, []byte("\xef\xbb\xbfFormat;Lot;")) || !bytes.Contains(raw, []byte("\r\n")) {
		t.Fatalf("CSV does not open with the BOM and ';': %q", raw)
	}
	r := csv.NewReader(bytes.NewReader(raw[3:]))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil || len(recs) != 2 || len(recs[0]) != len(vivier.SIRHCSVColumns) {
		t.Fatalf("CSV = %v, %v", recs, err)
	}
	row := map[string]string{}
	for i, col := range recs[0] {
		row[col] = recs[1][i]
	}
	if row["Format"] != "vivier-sirh-csv/1" || row["Nom"] != `'=HYPERLINK("x")` || row["SIRET"] != "11000000000015" ||
		row["Date de prise de poste"] != "04/01/2027" || !strings.HasPrefix(row["Pièces"], "cv : ") {
		t.Errorf("CSV row = %v", row)
	}
	if again := batchFile(t, s, b, vivier.SIRHCSV); !bytes.Equal(again, raw) {
		t.Error("writing the batch again gives other bytes: its checksum would not hold")
	}

	var line map[string]any
	jl := batchFile(t, s, b, vivier.SIRHJSONLines)
	if err := json.Unmarshal(bytes.TrimSpace(jl), &line); err != nil || line["format"] != "vivier-sirh-jsonl/1" ||
		line["date_prise_de_poste"] != "2027-01-04" || line["nature"] != "contractuel" || bytes.Count(jl, []byte("\n")) != 1 {
		t.Errorf("JSON Lines = %s, %v", jl, err)
	}
	var doc struct {
		Format   string `json:"format"`
		NewHires []struct {
			Person struct {
				Name struct{ Given, Family string }
			}
			Employer struct {
				LegalID struct{ Value, SchemeID string } `json:"legalId"`
			}
			StartDate   string `json:"startDate"`
			Attachments []struct {
				Digest struct{ Value string }
			}
		} `json:"newHires"`
	}
	hr := batchFile(t, s, b, vivier.SIRHHROpen)
	if err := json.Unmarshal(hr, &doc); err != nil || doc.Format != "vivier-sirh-hropen/1" || len(doc.NewHires) != 1 {
		t.Fatalf("HR Open = %s, %v", hr, err)
	}
	nh := doc.NewHires[0]
	if nh.Person.Name.Given != "Camille" || nh.Employer.LegalID.Value != "11000000000015" || nh.Employer.LegalID.SchemeID != "SIRET" ||
		nh.StartDate != "2027-01-04" || len(nh.Attachments) != 1 || len(nh.Attachments[0].Digest.Value) != 64 {
		t.Errorf("HR Open hire = %+v", nh)
	}
	sc := bufio.NewScanner(bytes.NewReader(hr))
	if !sc.Scan() {
		t.Error("empty HR Open document")
	}
}

func TestSIRHSettingsValidation(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b := newOfferWorld(t)
	box := testBox(t, 1)
	for _, bad := range []vivier.SIRHSettings{
		{Destination: "ftp", Format: "csv", Cadence: "immediat"},
		{Destination: "dossier", Format: "xml", Cadence: "immediat"},
		{Destination: "webhook", Format: "csv", Cadence: "immediat"},
		{Destination: "webhook", Format: "csv", Cadence: "immediat", WebhookURL: "http://sirh.exemple.fr/"},
		{Destination: "webhook", Format: "csv", Cadence: "immediat", WebhookURL: "https://moi:secret@sirh.exemple.fr/"},
		{Destination: "webhook", Format: "csv", Cadence: "immediat", WebhookURL: "https://169.254.169.254/latest/meta-data/"},
	} {
		if _, err := s.SaveSIRHSettings(ctx, a.ID, bad, false, box, vivier.Actor{}); vivier.ErrorCode(err) != vivier.EINVALID {
			t.Errorf("%+v saved: %v", bad, err)
		}
	}
	ok := vivier.SIRHSettings{Destination: "webhook", Format: "csv", Cadence: "nuit", WebhookURL: " https://sirh.exemple.fr/vivier "}
	st, err := s.SaveSIRHSettings(ctx, a.ID, ok, false, box, vivier.Actor{})
	if err != nil || !strings.HasPrefix(st.WebhookSecret, "whsec_") || st.BatchFormat() != vivier.SIRHHROpen {
		t.Fatalf("saved = %+v, %v", st, err)
	}
	same, err := s.SaveSIRHSettings(ctx, a.ID, ok, false, box, vivier.Actor{})
	if err != nil {
		t.Fatal(err)
	}
	renewed, err := s.SaveSIRHSettings(ctx, a.ID, ok, true, box, vivier.Actor{})
	if err != nil {
		t.Fatal(err)
	}
	if same.WebhookSecret != st.WebhookSecret || renewed.WebhookSecret == st.WebhookSecret {
		t.Errorf("secret kept %v, renewed %v", same.WebhookSecret == st.WebhookSecret, renewed.WebhookSecret != st.WebhookSecret)
	}
	if other, err := s.SIRHSettingsOf(ctx, b.ID); err != nil || other.Destination != vivier.SIRHFolder || other.HasWebhookSecret() {
		t.Errorf("B's settings = %+v (%v)", other, err)
	}
}
