package vivier_test

import (
	"context"
	"strings"
	"testing"

	"vivier"
)

func TestValidatePassword(t *testing.T) {
	t.Parallel()
	for pw, wantOK := range map[string]bool{
		"une phrase de passe":        true,
		"Tr0ub4dor&3xyz":             true,
		"court":                      false,
		"azertyuiop12":               false, // common, with digits added
		"motdepasse!!!":              false,
		"password1234":               false,
		"aaaaaaaaaaaaaaa":            false,
		"121212121212":               false,
		"camille.martin-2026":        false, // the email's local part
		strings.Repeat("x1y2z3", 30): false, // too long
	} {
		err := vivier.ValidatePassword(pw, "camille.martin@exemple.gouv.fr")
		if (err == nil) != wantOK {
			t.Errorf("ValidatePassword(%q) = %v, want ok=%v", pw, err, wantOK)
		}
		if err != nil && (vivier.ErrorCode(err) != vivier.EINVALID || vivier.ErrorMessage(err) == "") {
			t.Errorf("ValidatePassword(%q): error without a French message: %v", pw, err)
		}
	}
}

func TestAuditLogIsAppendOnly(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	a := &vivier.Administration{Slug: "adm", Name: "Adm", Versant: vivier.VersantEtat}
	if err := s.UpsertAdministration(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := s.Audit(ctx, &a.ID, vivier.Actor{Email: "x@y.fr", IP: "10.0.0.1"}, "agent.sign_in", "x@y.fr", nil); err != nil {
		t.Fatal(err)
	}
	if _, err := s.DB().Exec(`UPDATE audit_log SET action = 'autre'`); err == nil {
		t.Fatal("an audit entry was changed")
	}
	if _, err := s.DB().Exec(`DELETE FROM audit_log`); err == nil {
		t.Fatal("an audit entry was deleted")
	}
	if _, err := s.DB().Exec(`TRUNCATE audit_log`); err == nil {
		t.Fatal("the audit log was truncated")
	}
	if _, err := s.DB().Exec(`UPDATE audit_log SET administration_id = NULL`); err == nil {
		t.Fatal("an entry was taken out of its administration's log")
	}
	if _, err := s.DB().Exec(`UPDATE audit_log SET agent_email = 'autre@y.fr'`); err == nil {
		t.Fatal("an entry's author was rewritten")
	}
	entries, err := s.AuditLog(ctx, a.ID, vivier.AuditFilter{})
	if err != nil || len(entries) != 1 || entries[0].ActionLabel() != "Connexion" || entries[0].IP != "10.0.0.1" {
		t.Fatalf("AuditLog = %+v, %v", entries, err)
	}
	if got, err := s.AuditLog(ctx, a.ID, vivier.AuditFilter{Action: "agent.removed"}); err != nil || len(got) != 0 {
		t.Fatalf("the action filter does not filter (%v)", err)
	}
}

// The Store's tenant methods take the administration in their WHERE clause:
// naming another administration's agent or direction finds nothing.
func TestStoreScopesByAdministration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	mk := func(slug string, parent *int64) *vivier.Administration {
		a := &vivier.Administration{Slug: slug, Name: slug, Versant: vivier.VersantEtat, ParentID: parent}
		if err := s.UpsertAdministration(ctx, a); err != nil {
			t.Fatal(err)
		}
		return a
	}
	a, b := mk("a", nil), mk("b", nil)
	aChild := mk("a-child", &a.ID)
	agent := &vivier.Agent{Email: "agent@a.fr"}
	if err := s.UpsertAgent(ctx, agent); err != nil {
		t.Fatal(err)
	}
	if err := s.AssignRole(ctx, agent.ID, vivier.RoleLecteur, vivier.AdministrationDomain(a.ID)); err != nil {
		t.Fatal(err)
	}
	if err := s.ChangeRole(ctx, b.ID, agent.ID, vivier.RoleAdmin, vivier.Actor{}); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Fatalf("ChangeRole through b = %v", err)
	}
	if err := s.RemoveAgent(ctx, b.ID, agent.ID, vivier.Actor{}); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Fatalf("RemoveAgent through b = %v", err)
	}
	if err := s.SetChildStatus(ctx, b.ID, aChild.ID, "suspended", vivier.Actor{}); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Fatalf("SetChildStatus through b = %v", err)
	}
	if list, err := s.AgentsOfAdministration(ctx, b.ID); err != nil || len(list) != 0 {
		t.Fatalf("b lists a's agent (%v)", err)
	}
	// Through a, all of it works.
	if err := s.ChangeRole(ctx, a.ID, agent.ID, vivier.RoleRecruteur, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if list, err := s.AgentsOfAdministration(ctx, a.ID); err != nil || len(list) != 1 || list[0].Roles[0] != vivier.RoleRecruteur {
		t.Fatalf("AgentsOfAdministration(a) = %+v (%v)", list, err)
	}
	if err := s.SetChildStatus(ctx, a.ID, aChild.ID, "suspended", vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	// Slugs the routes use (the web app reserves them at start-up) are refused.
	s.ReserveSlugs([]string{"connexion"})
	if err := s.CreateAdministration(ctx, &vivier.Administration{Slug: "connexion", Name: "x", Versant: vivier.VersantEtat}, vivier.Actor{}); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Fatalf("a reserved slug: %v", err)
	}
}

func TestTokensAreStoredAsDigests(t *testing.T) {
	t.Parallel()
	tok, hash := vivier.NewToken()
	tok2, _ := vivier.NewToken()
	if len(tok) < 40 || tok == tok2 || string(vivier.HashToken(tok)) != string(hash) {
		t.Fatalf("NewToken = %q", tok)
	}
}

func TestAgentPassword(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	hash, err := vivier.HashPassword("un mot de passe assez long")
	if err != nil {
		t.Fatal(err)
	}
	a := &vivier.Agent{Email: " Agent@Exemple.gouv.fr ", PasswordHash: hash}
	if err := s.UpsertAgent(ctx, a); err != nil {
		t.Fatal(err)
	}
	got, err := s.AgentByEmail(ctx, "AGENT@exemple.gouv.fr")
	if err != nil || got.ID != a.ID {
		t.Fatalf("AgentByEmail is not case-insensitive: %+v, %v", got, err)
	}
	if !vivier.CheckPassword("un mot de passe assez long", got.PasswordHash) {
		t.Fatal("the right password is refused")
	}
	if vivier.CheckPassword("un autre mot de passe", got.PasswordHash) || vivier.CheckPassword("x", "") {
		t.Fatal("a wrong password (or an empty hash) is accepted")
	}
	if got.PasswordHash[:9] != "$argon2id" {
		t.Fatalf("hash %q is not argon2id", got.PasswordHash)
	}
}
