package vivier_test

import (
	"context"
	"errors"
	"strings"
	"sync"
	"testing"

	"github.com/google/uuid"

	"vivier"
)

// openOffer publishes an offer with one required question.
func openOffer(t *testing.T, s *vivier.Store, adminID int64, ref string) *vivier.Offer {
	t.Helper()
	ctx := context.Background()
	o := sampleOffer(ref)
	o.Questions.V = []vivier.Question{{ID: "permis", Label: "Avez-vous le permis B ?", Kind: "yesno", Required: true}}
	if err := s.CreateOffer(ctx, adminID, o, vivier.Actor{Email: "r@a.fr"}); err != nil {
		t.Fatal(err)
	}
	if err := s.MoveOffer(ctx, adminID, o.ID, vivier.OfferPublished, vivier.Actor{Email: "r@a.fr"}); err != nil {
		t.Fatal(err)
	}
	o, err := s.OfferByID(ctx, adminID, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	return o
}

func submission(t testing.TB, email string) *vivier.Submission {
	cv, err := vivier.CheckDocument("cv.pdf", cvPDF(t, nil, "Camille Martin, développeuse"), maxDoc)
	if err != nil {
		t.Fatal(err)
	}
	return &vivier.Submission{FirstName: "Camille", LastName: "Martin", Email: email, Phone: "06 12 34 56 78",
		Source: "linkedin", Answers: map[string]string{"permis": "oui", "inconnue": "x"}, Consent: true,
		CV: &vivier.Upload{Document: *cv, Data: cvPDF(t, nil, "Camille Martin, développeuse")}, IdempotencyKey: uuid.NewString()}
}

func TestSubmissionValidation(t *testing.T) {
	t.Parallel()
	o := &vivier.Offer{CVPolicy: "required", LetterPolicy: "none", Questions: vivier.JSONB[[]vivier.Question]{V: []vivier.Question{
		{ID: "q1", Label: "Permis ?", Kind: "yesno", Required: true},
		{ID: "q2", Label: "Poste", Kind: "choice", Choices: []string{"Jour", "Nuit"}},
	}}}
	sub := &vivier.Submission{Email: "pas une adresse", Phone: "12", Answers: map[string]string{"q2": "Soir"}, LetterText: "lettre"}
	err := sub.Validate(o)
	got := vivier.AsFormErrors(err).ByField()
	for _, field := range []string{"first_name", "last_name", "email", "phone", "cv", "q_q1", "q_q2", "consent", "form"} {
		if got[field] == "" {
			t.Errorf("no error for %s in %v", field, got)
		}
	}
	if vivier.ErrorCode(err) != vivier.EINVALID || sub.LetterText != "" {
		t.Errorf("code %s, letter %q", vivier.ErrorCode(err), sub.LetterText)
	}
	ok := submission(t, " Camille.Martin@Exemple.FR ")
	ok.Phone = "+32 470 12 34 56"
	ok.Answers = map[string]string{"q1": "oui", "q2": "Nuit", "inconnue": "x"}
	if err := ok.Validate(o); err != nil {
		t.Fatal(err)
	}
	if ok.Email != "camille.martin@exemple.fr" || ok.Phone != "+32470123456" || len(ok.Answers) != 2 {
		t.Errorf("tidied = %q %q %v", ok.Email, ok.Phone, ok.Answers)
	}
}

func TestApply(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, _ := newOfferWorld(t)
	files, err := vivier.NewLocalFiles(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	o := openOffer(t, s, a.ID, "APP-1")
	sub := submission(t, "camille@exemple.fr")
	if err := sub.Validate(o); err != nil {
		t.Fatal(err)
	}
	// A double click: the same form sent twice at once makes one application.
	var wg sync.WaitGroup
	apps := make([]*vivier.Application, 2)
	created := make([]bool, 2)
	for i := range apps {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var err error
			apps[i], created[i], err = s.Apply(ctx, sub, o, files)
			if err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if t.Failed() || apps[0].ID != apps[1].ID || created[0] == created[1] {
		t.Fatalf("apps %+v %+v created %v", apps[0], apps[1], created)
	}
	var counts struct{ Apps, Files, Outbox, Events, Candidates int }
	if err := s.DB().GetContext(ctx, &counts, `SELECT
		(SELECT count(*) FROM applications) AS apps, (SELECT count(*) FROM application_files) AS files,
		(SELECT count(*) FROM outbox WHERE task_type LIKE 'email:%application%') AS outbox,
		(SELECT count(*) FROM application_events) AS events, (SELECT count(*) FROM candidates) AS candidates`); err != nil {
		t.Fatal(err)
	}
	if counts != (struct{ Apps, Files, Outbox, Events, Candidates int }{1, 1, 2, 1, 1}) {
		t.Fatalf("rows = %+v", counts)
	}
	var text, key string
	if err := s.DB().QueryRowContext(ctx, `SELECT text, file_key FROM application_files`).Scan(&text, &key); err != nil || !strings.Contains(text, "développeuse") {
		t.Fatalf("file text %q, %v", text, err)
	}
	if r, err := files.Open(ctx, key); err != nil {
		t.Fatalf("stored file: %v", err)
	} else {
		if err := r.Close(); err != nil {
			t.Fatal(err)
		}
	}
	// The same email again, from a new form: not recorded, and the address
	// is told by email (the page says nothing: candidate/apply.go).
	again := submission(t, "camille@exemple.fr")
	again.FirstName = "Autre"
	if _, _, err := s.Apply(ctx, again, o, files); !errors.Is(err, vivier.ErrAlreadyApplied) {
		t.Fatalf("second application: %v", err)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM outbox WHERE task_type = $1`, vivier.TaskAlreadyApplied); n != 1 {
		t.Errorf("%d notices to the address, want 1", n)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM applications WHERE first_name = 'Autre'`); n != 0 {
		t.Error("the second application changed or added a row")
	}
	// A closed offer takes none.
	if err := s.MoveOffer(ctx, a.ID, o.ID, vivier.OfferClosed, vivier.Actor{Email: "r@a.fr"}); err != nil {
		t.Fatal(err)
	}
	o, err = s.OfferByID(ctx, a.ID, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := s.Apply(ctx, submission(t, "autre@exemple.fr"), o, files); err != vivier.ErrOfferClosed {
		t.Fatalf("closed offer: %v", err)
	}
	// A spontaneous application goes to the administration.
	sp := submission(t, "camille@exemple.fr")
	sp.AdministrationID = a.ID
	app, ok, err := s.Apply(ctx, sp, nil, files)
	if err != nil || !ok || app.OfferID != nil || app.AdministrationID != a.ID || app.Category != vivier.CategoryNew {
		t.Fatalf("spontaneous = %+v, %v", app, err)
	}
}

// FuzzSubmissionValidate: whatever a form sends, validation answers with
// form errors or accepts, and never panics.
func FuzzSubmissionValidate(f *testing.F) {
	f.Add("Camille", "Martin", "camille@exemple.fr", "06 12 34 56 78", "oui", "linkedin", "madame", true)
	f.Add("", "", "pas@", "+999", "peut-être", "???", "x", false)
	o := &vivier.Offer{CVPolicy: "optional", LetterPolicy: "optional", Questions: vivier.JSONB[[]vivier.Question]{V: []vivier.Question{
		{ID: "q1", Label: "Permis ?", Kind: "yesno", Required: true}, {ID: "q2", Label: "Poste", Kind: "choice", Choices: []string{"Jour", "Nuit"}},
	}}}
	f.Fuzz(func(t *testing.T, first, last, email, phone, answer, source, civility string, consent bool) {
		sub := &vivier.Submission{FirstName: first, LastName: last, Email: email, Phone: phone, Source: source, Civility: civility,
			Answers: map[string]string{"q1": answer, "q2": answer}, Consent: consent, IdempotencyKey: uuid.NewString()}
		err := sub.Validate(o)
		if err != nil && (vivier.ErrorCode(err) != vivier.EINVALID || len(vivier.AsFormErrors(err)) == 0) {
			t.Fatalf("not a form error: %v", err)
		}
		if err == nil && (sub.FirstName == "" || !strings.Contains(sub.Email, "@")) {
			t.Fatalf("accepted %+v", sub)
		}
	})
}
