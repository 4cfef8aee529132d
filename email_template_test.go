package vivier_test

import (
	"context"
	"strings"
	"testing"

	"vivier"
)

func TestEmailTemplateSubstitutionAndEscaping(t *testing.T) {
	t.Parallel()
	tpl := vivier.EmailTemplate{Subject: "Bonjour {{prenom}}\r\n {{ nom }}", Body: "Cher·e {{prenom}} {{nom}},\n\n{{motif}}\nSuivi : {{lien_suivi}}"}
	v := vivier.TemplateValues{"prenom": `<script>alert("x")</script>`, "nom": "{{motif}} {{.Secret}}", "motif": "Poste & pourvu",
		"lien_suivi": "https://vivier.test/suivi/abc?x=1&y=2"}
	r := tpl.Render(v)
	if r.Subject != `Bonjour <script>alert("x")</script> {{motif}} {{.Secret}}` {
		t.Errorf("subject = %q (one line, values replaced once, never re-read as variables)", r.Subject)
	}
	if !strings.Contains(r.Text, `Cher·e <script>alert("x")</script> {{motif}} {{.Secret}},`) || !strings.Contains(r.Text, "Poste & pourvu\n") {
		t.Errorf("text part = %q", r.Text)
	}
	if strings.Contains(r.HTML, "<script>") || !strings.Contains(r.HTML, "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;") ||
		!strings.Contains(r.HTML, "Poste &amp; pourvu<br>") {
		t.Errorf("HTML part not escaped: %q", r.HTML)
	}
	if !strings.Contains(r.HTML, `<a href="https://vivier.test/suivi/abc?x=1&amp;y=2">https://vivier.test/suivi/abc?x=1&amp;y=2</a>`) {
		t.Errorf("the tracking link is not a link: %q", r.HTML)
	}
	if n := strings.Count(r.HTML, "<p>"); n != 2 {
		t.Errorf("%d paragraphs, want 2: %q", n, r.HTML)
	}
	// A link that is not http(s) is never made a link.
	r = vivier.EmailTemplate{Body: "{{lien_suivi}}"}.Render(vivier.TemplateValues{"lien_suivi": "javascript:alert(1)"})
	if strings.Contains(r.HTML, "<a ") {
		t.Errorf("javascript: became a link: %q", r.HTML)
	}
}

func TestEmailTemplateValidation(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		subject, body, field, msg string
	}{
		{"", "texte", "subject", "Saisissez l'objet"},
		{"objet", "  ", "body", "Saisissez le texte"},
		{"objet", "Bonjour {{prénom}}", "body", "Variable inconnue : {{prénom}}"},
		{"Bonjour {{.Candidate.Email}}", "texte", "subject", "Variable inconnue : {{.Candidate.Email}}"},
		{strings.Repeat("a", 201), "texte", "subject", "200 caractères"},
	} {
		tpl := vivier.EmailTemplate{Subject: c.subject, Body: c.body}
		err := tpl.Validate()
		if vivier.ErrorCode(err) != vivier.EINVALID || !strings.Contains(vivier.AsFormErrors(err).ByField()[c.field], c.msg) {
			t.Errorf("%q / %q: %v, want %s: %s", c.subject, c.body, err, c.field, c.msg)
		}
	}
	for _, e := range vivier.TemplateEvents {
		d := vivier.DefaultEmailTemplate(e)
		if err := d.Validate(); err != nil {
			t.Errorf("default %s: %v", e, err)
		}
	}
}

func TestEmailTemplatesPerAdministration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s, a, b, _ := pipelineWorld(t, 0)
	got, err := s.EmailTemplate(ctx, a.ID, vivier.EventRefusal)
	if err != nil || got.Custom || got.Subject != vivier.DefaultEmailTemplate(vivier.EventRefusal).Subject {
		t.Fatalf("before any edit: %+v, %v", got, err)
	}
	mine := vivier.EmailTemplate{Event: vivier.EventRefusal, Subject: "Réponse de {{administration}}", Body: "Bonjour {{prenom}}"}
	if err := s.SaveEmailTemplate(ctx, a.ID, mine, vivier.Actor{Email: "rh@a.fr"}); err != nil {
		t.Fatal(err)
	}
	if got, err = s.EmailTemplate(ctx, a.ID, vivier.EventRefusal); err != nil || !got.Custom || got.Body != "Bonjour {{prenom}}" {
		t.Errorf("after saving: %+v (%v)", got, err)
	}
	if got, err = s.EmailTemplate(ctx, b.ID, vivier.EventRefusal); err != nil || got.Custom {
		t.Errorf("another administration's template leaked: %+v (%v)", got, err)
	}
	bad := vivier.EmailTemplate{Event: vivier.EventRefusal, Subject: "x", Body: "{{inconnue}}"}
	if err := s.SaveEmailTemplate(ctx, a.ID, bad, vivier.Actor{}); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Errorf("unknown variable saved: %v", err)
	}
	if err := s.ResetEmailTemplate(ctx, b.ID, vivier.EventRefusal, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if got, err = s.EmailTemplate(ctx, a.ID, vivier.EventRefusal); err != nil || !got.Custom {
		t.Errorf("resetting B reset A (%v)", err)
	}
	if err := s.ResetEmailTemplate(ctx, a.ID, vivier.EventRefusal, vivier.Actor{Email: "rh@a.fr"}); err != nil {
		t.Fatal(err)
	}
	if got, err = s.EmailTemplate(ctx, a.ID, vivier.EventRefusal); err != nil || got.Custom {
		t.Errorf("reset kept the administration's template (%v)", err)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM audit_log WHERE administration_id = $1 AND action LIKE 'email_template.%'`, a.ID); n != 2 {
		t.Errorf("%d audit entries for a save and a reset", n)
	}
	if n := countWhere(t, s, `SELECT count(*) FROM audit_log WHERE administration_id = $1`, b.ID); n != 0 {
		t.Errorf("B's log has %d entries from a reset that changed nothing", n)
	}
}
