package main

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"testing"

	"vivier"
)

// expectedRoutes is this test's own copy of the back-office route table:
// adding a route to admin.Routes without adding it here fails the test, so
// that every route is walked by TestEveryRouteEveryRole.
var expectedRoutes = map[string]string{
	"GET /connexion":                                       "public",
	"POST /connexion":                                      "public",
	"GET /proconnect":                                      "public",
	"GET /proconnect/retour":                               "public",
	"GET /mot-de-passe-oublie":                             "public",
	"POST /mot-de-passe-oublie":                            "public",
	"GET /mot-de-passe/:token":                             "public",
	"POST /mot-de-passe/:token":                            "public",
	"GET /invitation/:token":                               "public",
	"POST /invitation/:token":                              "public",
	"POST /deconnexion":                                    "signed-in",
	"GET /":                                                "signed-in",
	"GET /compte/sessions":                                 "signed-in",
	"POST /compte/sessions/:id/fin":                        "signed-in",
	"GET /plateforme/administrations":                      "platform:manage",
	"POST /plateforme/administrations":                     "platform:manage",
	"GET /plateforme/metiers":                              "platform:manage",
	"POST /plateforme/metiers":                             "platform:manage",
	"POST /plateforme/metiers/import":                      "platform:manage",
	"POST /plateforme/metiers/:item":                       "platform:manage",
	"POST /plateforme/metiers/:item/statut":                "platform:manage",
	"GET /plateforme/competences":                          "platform:manage",
	"GET /plateforme/pages-legales":                        "platform:manage",
	"POST /plateforme/pages-legales/mentions-legales":      "platform:manage",
	"POST /plateforme/pages-legales/donnees-personnelles":  "platform:manage",
	"POST /plateforme/pages-legales/accessibilite":         "platform:manage",
	"POST /plateforme/competences":                         "platform:manage",
	"POST /plateforme/competences/:item":                   "platform:manage",
	"POST /plateforme/competences/:item/statut":            "platform:manage",
	"POST /plateforme/competences/:item/synonymes":         "platform:manage",
	"GET /plateforme/taches-en-echec":                      "platform:manage",
	"POST /plateforme/taches-en-echec/relance":             "platform:manage",
	"POST /plateforme/taches-en-echec/:queue/:id/relance":  "platform:manage",
	"GET /taches":                                          "platform:manage",
	"GET /taches/*":                                        "platform:manage",
	"GET /:adm":                                            "dashboard:read",
	"GET /:adm/offres":                                     "offers:read",
	"GET /:adm/offres/nouvelle":                            "offers:edit",
	"POST /:adm/offres":                                    "offers:edit",
	"GET /:adm/offres/import":                              "offers:edit",
	"POST /:adm/offres/import":                             "offers:edit",
	"GET /:adm/offres/validation":                          "offers:validate",
	"GET /:adm/offres/validation/:offer":                   "offers:validate",
	"POST /:adm/offres/validation/:offer/approbation":      "offers:validate",
	"POST /:adm/offres/validation/:offer/retour":           "offers:validate",
	"GET /:adm/offres/:offer":                              "offers:read",
	"POST /:adm/offres/:offer":                             "offers:edit",
	"POST /:adm/offres/:offer/statut":                      "offers:publish",
	"GET /:adm/candidatures":                               "applications:read_assigned",
	"GET /:adm/candidatures/:application":                  "applications:read_assigned",
	"GET /:adm/candidatures/:application/fichiers/:file":   "applications:read_assigned",
	"GET /:adm/candidatures/:application/offre":            "applications:decide",
	"POST /:adm/candidatures/:application/offre":           "applications:decide",
	"POST /:adm/candidatures/:application/etape":           "applications:decide",
	"GET /:adm/offres/:offer/candidatures":                 "applications:read_assigned",
	"POST /:adm/offres/:offer/candidatures/lot":            "applications:decide",
	"POST /:adm/offres/:offer/candidatures/export":         "exports:run",
	"GET /:adm/offres/:offer/tableau":                      "applications:read_assigned",
	"POST /:adm/offres/:offer/duplication":                 "offers:edit",
	"GET /:adm/agents":                                     "agents:manage",
	"POST /:adm/agents/invitations":                        "agents:manage",
	"POST /:adm/agents/invitations/:invitation/annulation": "agents:manage",
	"POST /:adm/agents/:agent/role":                        "agents:manage",
	"POST /:adm/agents/:agent/retrait":                     "agents:manage",
	"GET /:adm/administration":                             "administrations:manage",
	"POST /:adm/administration":                            "administrations:manage",
	"POST /:adm/administration/delai":                      "administrations:manage",
	"POST /:adm/administration/validation":                 "administrations:manage",
	"POST /:adm/administration/conservation":               "administrations:manage",
	"POST /:adm/administration/domaines":                   "administrations:manage",
	"GET /:adm/mobilite/profils":                           "profiles:read",
	"GET /:adm/mobilite/profils/:profile":                  "profiles:read",
	"GET /:adm/mobilite/profils/:profile/cv":               "profiles:read",
	"POST /:adm/mobilite/profils/:profile/invitations":     "profiles:invite",
	"POST /:adm/directions":                                "administrations:manage",
	"POST /:adm/directions/:child/statut":                  "administrations:manage",
	"GET /:adm/journal":                                    "audit:read",
	"GET /:adm/marque":                                     "brand:edit",
	"POST /:adm/marque/theme":                              "brand:edit",
	"POST /:adm/marque/blocs":                              "brand:edit",
	"POST /:adm/marque/blocs/:block":                       "brand:edit",
	"POST /:adm/marque/blocs/:block/deplacement":           "brand:edit",
	"POST /:adm/marque/blocs/:block/suppression":           "brand:edit",
	"POST /:adm/marque/publication":                        "brand:edit",
	"POST /:adm/marque/versions/:version/restauration":     "brand:edit",
	"GET /:adm/marque/apercu":                              "dashboard:read",
	"GET /:adm/marque/images/:digest":                      "dashboard:read",
	"GET /:adm/api":                                        "api_tokens:manage",
	"POST /:adm/api/jetons":                                "api_tokens:manage",
	"POST /:adm/api/jetons/:token/revocation":              "api_tokens:manage",
	"GET /:adm/csp":                                        "csp:manage",
	"POST /:adm/csp":                                       "csp:manage",
	"POST /:adm/offres/:offer/csp":                         "offers:publish",
	"GET /:adm/exports":                                    "exports:run",
	"GET /:adm/exports/reglages":                           "exports:configure",
	"POST /:adm/exports/reglages":                          "exports:configure",
	"GET /:adm/exports/:batch/fichier":                     "exports:run",
	"POST /:adm/exports/:batch/relivraison":                "exports:run",
	// steps editor, talent pool, duplicates, transfers
	"GET /:adm/etapes":                                 "pipeline:manage",
	"POST /:adm/etapes":                                "pipeline:manage",
	"POST /:adm/etapes/:step":                          "pipeline:manage",
	"POST /:adm/etapes/:step/deplacement":              "pipeline:manage",
	"POST /:adm/etapes/:step/suppression":              "pipeline:manage",
	"POST /:adm/motifs":                                "pipeline:manage",
	"POST /:adm/motifs/:reason":                        "pipeline:manage",
	"POST /:adm/motifs/:reason/statut":                 "pipeline:manage",
	"GET /:adm/vivier":                                 "applications:read",
	"GET /:adm/vivier/:candidate/invitation":           "applications:decide",
	"POST /:adm/vivier/:candidate/invitation":          "applications:decide",
	"GET /:adm/doublons":                               "candidates:merge",
	"POST /:adm/doublons/fusion":                       "candidates:merge",
	"POST /:adm/candidatures/:application/transfert":   "applications:decide",
	"POST /:adm/candidatures/:application/coordonnees": "applications:decide",
	"POST /:adm/candidatures/:application/pieces":      "applications:decide",
	"GET /:adm/notifications":                          "notifications:manage",
	"POST /:adm/notifications":                         "notifications:manage",
	"POST /:adm/notifications/refus-automatique":       "administrations:manage",
	"POST /:adm/candidatures/:application/message":     "applications:comment",
	// email templates and interviews
	"GET /:adm/modeles":                              "templates:edit",
	"GET /:adm/modeles/:event":                       "templates:edit",
	"POST /:adm/modeles/:event":                      "templates:edit",
	"POST /:adm/modeles/:event/reinitialisation":     "templates:edit",
	"GET /:adm/candidatures/:application/entretien":  "applications:decide",
	"POST /:adm/candidatures/:application/entretien": "applications:decide",
	// Convocation sessions.
	"GET /:adm/offres/:offer/convocations":                                              "applications:read",
	"GET /:adm/offres/:offer/convocations/nouvelle":                                     "applications:decide",
	"POST /:adm/offres/:offer/convocations/nouvelle":                                    "applications:decide",
	"POST /:adm/offres/:offer/convocations/convoquer":                                   "applications:decide",
	"GET /:adm/offres/:offer/convocations/:session":                                     "applications:read",
	"GET /:adm/offres/:offer/convocations/:session/document":                            "applications:read",
	"GET /:adm/offres/:offer/convocations/:session/modification":                        "applications:decide",
	"POST /:adm/offres/:offer/convocations/:session/modification":                       "applications:decide",
	"POST /:adm/offres/:offer/convocations/:session/annulation":                         "applications:decide",
	"POST /:adm/offres/:offer/convocations/:session/emargement":                         "applications:decide",
	"POST /:adm/offres/:offer/convocations/:session/convocations/:interview/annulation": "applications:decide",
	"POST /:adm/offres/:offer/convocations/:session/convocations/:interview/horaire":    "applications:decide",
	"GET /desabonnement/:token":                                                         "public",
	"POST /desabonnement/:token":                                                        "public",
	"GET /:adm/statistiques":                                                            "statistics:read",
	"GET /:adm/statistiques/export":                                                     "statistics:read",
	// Collaboration on applications.
	"GET /:adm/candidatures/:application/fichiers/:file/apercu": "applications:read_assigned",
	"POST /:adm/candidatures/:application/notes":                "applications:comment",
	"POST /:adm/candidatures/:application/evaluation":           "applications:comment",
	"POST /:adm/candidatures/:application/etiquettes":           "applications:decide",
	"POST /:adm/candidatures/:application/etiquettes/retrait":   "applications:decide",
	"POST /:adm/candidatures/:application/assignations":         "applications:decide",
	"POST /:adm/candidatures/:application/assignations/retrait": "applications:decide",
	"POST /:adm/offres/:offer/candidatures/lot/etiquette":       "applications:decide",
	"POST /:adm/offres/:offer/candidatures/lot/assignation":     "applications:decide",
	// Anonymised screening.
	"POST /:adm/candidatures/:application/levee-anonymat": "identities:reveal",
	"POST /:adm/offres/:offer/anonymat":                   "pipeline:manage",
	// Selection boards.
	"GET /:adm/jurys":                                       "boards:mark",
	"GET /:adm/offres/:offer/jurys":                         "boards:manage",
	"POST /:adm/offres/:offer/jurys":                        "boards:manage",
	"POST /:adm/offres/:offer/candidatures/lot/jury":        "boards:manage",
	"GET /:adm/jurys/:board":                                "boards:manage",
	"POST /:adm/jurys/:board":                               "boards:manage",
	"POST /:adm/jurys/:board/grille":                        "boards:manage",
	"POST /:adm/jurys/:board/membres":                       "boards:manage",
	"POST /:adm/jurys/:board/membres/:member/retrait":       "boards:manage",
	"POST /:adm/jurys/:board/presidence":                    "boards:manage",
	"GET /:adm/jurys/:board/notation":                       "boards:mark",
	"POST /:adm/jurys/:board/notation/:application":         "boards:mark",
	"POST /:adm/jurys/:board/notation/:application/conflit": "boards:mark",
	"POST /:adm/jurys/:board/cloture":                       "boards:mark",
	"GET /:adm/jurys/:board/resultats":                      "boards:mark",
	"POST /:adm/jurys/:board/departage":                     "boards:mark",
	"POST /:adm/jurys/:board/listes":                        "boards:mark",
	"POST /:adm/jurys/:board/listes/proposition":            "boards:mark",
	"POST /:adm/jurys/:board/listes/:application/retrait":   "boards:mark",
	"POST /:adm/jurys/:board/arret":                         "boards:mark",
	"GET /:adm/jurys/:board/proces-verbal":                  "boards:mark",
	"GET /:adm/jurys/:board/proces-verbal.pdf":              "boards:mark",
}

// What each role may do, restated from policy.csv (with its inheritance):
// a change of policy must be made here too, on purpose.
var rolePerms = map[string][]string{
	"lecteur":     {"dashboard:read", "offers:read", "applications:read", "applications:read_assigned", "statistics:read", "notifications:manage", "boards:mark"},
	"recruteur":   {"dashboard:read", "offers:read", "applications:read", "applications:read_assigned", "statistics:read", "notifications:manage", "offers:edit", "offers:publish", "applications:decide", "applications:comment", "exports:run", "templates:edit", "boards:mark", "boards:manage", "profiles:read", "profiles:invite"},
	"marque":      {"dashboard:read", "brand:edit"},
	"membre_jury": {"dashboard:read", "applications:read_assigned", "applications:comment", "boards:mark"},
	"admin": {"dashboard:read", "offers:read", "applications:read", "applications:read_assigned", "statistics:read", "offers:edit", "offers:publish", "applications:decide",
		"applications:comment", "exports:run", "brand:edit", "agents:manage", "administrations:manage", "audit:read", "api_tokens:manage",
		"csp:manage", "exports:configure", "pipeline:manage", "candidates:merge", "notifications:manage", "templates:edit",
		"offers:validate", "identities:reveal", "boards:mark", "boards:manage", "profiles:read", "profiles:invite"},
	"aucun": {},
}

func TestRouteTableIsWalked(t *testing.T) {
	t.Parallel()
	p := startProgram(t, "serve", nil)
	got := map[string]string{}
	for _, r := range p.admin.Routes() {
		kind := r.Perm
		if kind == "" {
			kind = map[bool]string{true: "public", false: "signed-in"}[r.Access == 0]
		}
		got[r.Method+" "+r.Path] = kind
	}
	if !reflect.DeepEqual(got, expectedRoutes) {
		var missing []string
		for k, v := range got {
			if expectedRoutes[k] != v {
				missing = append(missing, fmt.Sprintf("%s (%s)", k, v))
			}
		}
		for k := range expectedRoutes {
			if _, ok := got[k]; !ok {
				missing = append(missing, k+" (gone)")
			}
		}
		sort.Strings(missing)
		t.Fatalf("admin.Routes and this test's table differ: %v", missing)
	}
}

// denied tells an authorization refusal from a handler's own answer.
func denied(status int, body string) bool {
	return (status == 403 && strings.Contains(body, "Votre rôle dans cette administration ne permet pas cette action.")) ||
		(status == 404 && strings.Contains(body, "Page introuvable."))
}

type tenantState struct {
	Offers      []string
	Name        string
	Agents      []string
	Children    []string
	Invitations int
	Audit       int
}

func snapshot(t *testing.T, s *vivier.Store, slug string) tenantState {
	t.Helper()
	ctx := context.Background()
	adm, err := s.AdministrationBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	st := tenantState{Name: adm.Name + "/" + adm.Status}
	agents, err := s.AgentsOfAdministration(ctx, adm.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, a := range agents {
		st.Agents = append(st.Agents, fmt.Sprint(a.Email, a.Roles))
	}
	children, err := s.ChildAdministrations(ctx, adm.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range children {
		st.Children = append(st.Children, c.Slug+"/"+c.Status)
	}
	list, err := s.OffersOf(ctx, adm.ID, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range list {
		st.Offers = append(st.Offers, o.Reference+"/"+o.Title+"/"+string(o.Status))
	}
	pending, err := s.PendingInvitations(ctx, adm.ID)
	if err != nil {
		t.Fatal(err)
	}
	st.Invitations = len(pending)
	entries, err := s.AuditLog(ctx, adm.ID, vivier.AuditFilter{Limit: 200})
	if err != nil {
		t.Fatal(err)
	}
	st.Audit = len(entries)
	return st
}

// TestEveryRouteEveryRole walks every back-office route with each role of
// administration A (ministere-demo), against A and against B (ville-demo):
// allowed where the policy says so, refused otherwise, never a byte of B's
// data, and B unchanged at the end.
func TestEveryRouteEveryRole(t *testing.T) {
	t.Parallel()
	for role := range rolePerms {
		t.Run(role, func(t *testing.T) {
			t.Parallel()
			walkAsRole(t, role)
		})
	}
}

func walkAsRole(t *testing.T, role string) {
	ctx := context.Background()
	p := startDemo(t, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "10000"})
	s := p.Store()
	ids := map[string]int64{}
	for _, slug := range []string{"ministere-demo", "ministere-demo-dnum", "ville-demo"} {
		a, err := s.AdministrationBySlug(ctx, slug)
		if err != nil {
			t.Fatal(err)
		}
		ids[slug] = a.ID
	}
	// B gets a direction too, so that its :child routes have a target.
	bChild := &vivier.Administration{Slug: "ville-demo-drh", Name: "DRH de la ville", Versant: vivier.VersantTerritoriale, ParentID: ptr(ids["ville-demo"])}
	if err := s.CreateAdministration(ctx, bChild, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	children := map[string]int64{"ministere-demo": ids["ministere-demo-dnum"], "ville-demo": bChild.ID}
	agentIDs := map[string]int64{}
	for _, slug := range []string{"ministere-demo", "ville-demo"} {
		a, err := s.AgentByEmail(ctx, "lecteur@"+slug+".vivier.test")
		if err != nil {
			t.Fatal(err)
		}
		agentIDs[slug] = a.ID
	}
	email := role + "@ministere-demo.vivier.test"
	if role == "membre_jury" || role == "aucun" {
		hash, err := vivier.HashPassword(DemoPassword)
		if err != nil {
			t.Fatal(err)
		}
		a := &vivier.Agent{Email: email, PasswordHash: hash}
		if err := s.UpsertAgent(ctx, a); err != nil {
			t.Fatal(err)
		}
		if role == "membre_jury" {
			if err := s.AssignRole(ctx, a.ID, vivier.RoleMembreJury, vivier.AdministrationDomain(ids["ministere-demo"])); err != nil {
				t.Fatal(err)
			}
		}
	}
	invitations, offers := map[string]int64{}, map[string]int64{}
	for _, slug := range []string{"ministere-demo", "ville-demo"} {
		o := &vivier.Offer{Kind: vivier.KindEmploi, Reference: "REF-" + slug, Versant: vivier.VersantEtat, Title: "Offre de " + slug}
		if err := s.CreateOffer(ctx, ids[slug], o, vivier.Actor{}); err != nil {
			t.Fatal(err)
		}
		offers[slug] = o.ID
		inv, err := s.Invite(ctx, ids[slug], "pending@"+slug+".fr", vivier.RoleLecteur, vivier.Actor{})
		if err != nil {
			t.Fatal(err)
		}
		invitations[slug] = inv.ID
	}
	before := snapshot(t, s, "ville-demo")
	if err := p.policies.Reload(ctx); err != nil {
		t.Fatal(err)
	}

	c := newClient(t)
	var token string
	signIn := func() {
		_, page := get(t, c, p.URL+"/admin/connexion")
		resp, _ := postForm(t, c, p.URL+"/admin/connexion", url.Values{"_csrf": {csrfToken(t, page)}, "email": {email}, "password": {DemoPassword}})
		if resp.StatusCode != 303 {
			t.Fatalf("sign in as %s = %d", email, resp.StatusCode)
		}
		_, page = get(t, c, p.URL+"/admin/compte/sessions")
		token = csrfToken(t, page)
	}
	signIn()
	allowed := map[string]bool{}
	for _, perm := range rolePerms[role] {
		allowed[perm] = true
	}

	routes := p.admin.Routes()
	n := 0
	for _, r := range routes {
		for _, target := range []string{"ministere-demo", "ville-demo"} {
			if !strings.Contains(r.Path, ":adm") && target == "ville-demo" {
				continue // not an administration's route: walked once
			}
			n++
			path := strings.NewReplacer(":adm", target, ":agent", fmt.Sprint(agentIDs[target]),
				":child", fmt.Sprint(children[target]), ":invitation", fmt.Sprint(invitations[target]), ":offer", fmt.Sprint(offers[target]),
				":block", "bloc-inconnu", ":version", "1", ":token", "jeton-inconnu", ":id", "00", ":item", "1", ":application", "1", ":file", "1", ":batch", "1", ":queue", "default", ":board", "1", ":member", "1", "*", "api/queues").Replace(r.Path)
			path = strings.TrimSuffix("/admin"+path, "/")
			if path == "/admin" {
				path = "/admin/"
			}
			form := url.Values{"_csrf": {token}, "email": {fmt.Sprintf("invite-%d@example.org", n)}, "role": {"lecteur"},
				"name": {fmt.Sprintf("Nom %d", n)}, "slug": {fmt.Sprintf("nouvelle-%d", n)}, "status": {"suspended"},
				"versant": {"etat"}, "admin_email": {fmt.Sprintf("premier-%d@example.org", n)}, "password": {"x"},
				"kind": {"emploi"}, "title": {fmt.Sprintf("Offre %d", n)}, "reference": {fmt.Sprintf("REF-%d", n)}}
			var resp *http.Response
			var body string
			if r.Method == "GET" {
				resp, body = get(t, c, p.URL+path)
			} else {
				resp, body = postForm(t, c, p.URL+path, form)
			}
			label := fmt.Sprintf("%s %s %s", role, r.Method, path)

			var want bool
			switch {
			case r.Perm == "":
				want = true
			case r.Perm == "platform:manage":
				want = false // no role of an administration manages the platform
			default:
				want = allowed[r.Perm] && target == "ministere-demo"
			}
			if got := !denied(resp.StatusCode, body); got != want {
				t.Errorf("%s = %d: allowed %v, want %v", label, resp.StatusCode, got, want)
			}
			if resp.StatusCode >= 500 {
				t.Errorf("%s = %d", label, resp.StatusCode)
			}
			if target == "ville-demo" && (strings.Contains(body, "Démo-sur-Loire") || strings.Contains(body, "@ville-demo.vivier.test") ||
				strings.Contains(body, "Offre de ville-demo")) {
				t.Errorf("%s shows data of ville-demo", label)
			}
			if r.Path == "/deconnexion" {
				signIn()
			}
		}
	}
	if after := snapshot(t, s, "ville-demo"); !reflect.DeepEqual(before, after) {
		t.Errorf("ville-demo changed:\nbefore %+v\nafter  %+v", before, after)
	}
}

func ptr[T any](v T) *T { return &v }
