package main

import (
	"context"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"vivier"
	"vivier/jobs/jobstest"
)

// mirror is what a reuser keeps of the site: each offer's status and title.
type mirror map[int64]string

// replayChanges reads the change feed from cursor until it has no next page,
// applying each entry to m as a reuser would, in JSON or in CSV, and
// returns the cursor to come back with.
func replayChanges(t *testing.T, c *http.Client, base, cursor string, m mirror, asCSV bool) string {
	t.Helper()
	for page := 0; ; page++ {
		if page > 200 {
			t.Fatal("the change feed does not end")
		}
		u := base + "/api/v1/donnees/modifications?limite=2&apres=" + cursor
		if asCSV {
			u = base + "/api/v1/donnees/modifications.csv?limite=2&apres=" + cursor
		}
		resp, body := get(t, c, u)
		if resp.StatusCode != 200 || !strings.Contains(resp.Header.Get("Link"), `rel="license"`) || resp.Header.Get("X-Licence") == "" {
			t.Fatalf("%s = %d, Link %q:\n%s", u, resp.StatusCode, resp.Header.Get("Link"), body)
		}
		var next string
		if asCSV {
			rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
			if err != nil || len(rows) == 0 {
				t.Fatalf("modifications.csv does not parse: %v\n%s", err, body)
			}
			col := map[string]int{}
			for i, name := range rows[0] {
				col[name] = i
			}
			for _, r := range rows[1:] {
				id, err := strconv.ParseInt(r[col["id"]], 10, 64)
				if err != nil {
					t.Fatalf("row %v: id: %v", r, err)
				}
				if r[col["evenement"]] == vivier.OpenEventTombstone {
					delete(m, id)
				} else {
					m[id] = r[col["statut"]] + " " + r[col["titre"]]
				}
			}
			cursor = resp.Header.Get("X-Reprise")
			if strings.Contains(resp.Header.Get("Link"), `rel="next"`) {
				next = cursor
			}
		} else {
			var p struct {
				Changes []struct {
					Event  string `json:"evenement"`
					ID     int64  `json:"id"`
					Status string `json:"statut"`
					Reason string `json:"motif"`
					Offer  *struct {
						ID    int64  `json:"id"`
						Title string `json:"titre"`
					} `json:"offre"`
				} `json:"modifications"`
				Next    *string `json:"suivant"`
				Resume  string  `json:"reprise"`
				Licence struct {
					ID string `json:"id"`
				} `json:"licence"`
			}
			if err := json.Unmarshal([]byte(body), &p); err != nil || p.Licence.ID != "etalab-2.0" {
				t.Fatalf("modifications: %v, licence %q\n%s", err, p.Licence.ID, body)
			}
			for _, ch := range p.Changes {
				switch {
				case ch.Event == vivier.OpenEventTombstone && ch.Reason != "" && ch.Offer == nil:
					delete(m, ch.ID)
				case ch.Event == vivier.OpenEventOffer && ch.Offer != nil && ch.Offer.ID == ch.ID:
					m[ch.ID] = ch.Status + " " + ch.Offer.Title
				default:
					t.Fatalf("malformed change %+v", ch)
				}
			}
			cursor = p.Resume
			if p.Next != nil {
				next = *p.Next
			}
		}
		if next == "" {
			return cursor
		}
		cursor = next
	}
}

// siteOffers is what the site shows: the published offers, as the open-data
// list gives them, and the closed ones whose page is still public.
func siteOffers(t *testing.T, p *program, c *http.Client) mirror {
	t.Helper()
	want := mirror{}
	var closed []struct {
		ID    int64  `db:"id"`
		Title string `db:"title"`
	}
	if err := p.Store().DB().Select(&closed, `SELECT id, title FROM offers WHERE status = 'closed'`); err != nil {
		t.Fatal(err)
	}
	for _, o := range closed {
		if resp, _ := get(t, c, p.URL+"/offres/"+itoa(o.ID)); resp.StatusCode == 200 {
			want[o.ID] = "cloturee " + o.Title
		}
	}
	cursor := ""
	for {
		_, body := get(t, c, p.URL+"/api/v1/donnees/offres?limite=100&apres="+cursor)
		var page struct {
			Offers []struct {
				ID    int64  `json:"id"`
				Title string `json:"titre"`
			} `json:"offres"`
			Next *string `json:"suivant"`
		}
		if err := json.Unmarshal([]byte(body), &page); err != nil {
			t.Fatal(err)
		}
		for _, o := range page.Offers {
			want[o.ID] = "publiee " + o.Title
		}
		if page.Next == nil {
			return want
		}
		cursor = *page.Next
	}
}

// eventuallyMirrors replays the feed from cursor until the mirror is the
// site (the feed lags behind transactions still running anywhere).
func eventuallyMirrors(t *testing.T, p *program, c *http.Client, cursor *string, m mirror, asCSV bool, what string) {
	t.Helper()
	var want mirror
	jobstest.Eventually(t, what, func() (bool, error) {
		*cursor = replayChanges(t, c, p.URL, *cursor, m, asCSV)
		want = siteOffers(t, p, c)
		if !equalMirrors(m, want) {
			t.Logf("%s: mirror %v, site %v", what, m, want)
			return false, nil
		}
		return true, nil
	})
}

func equalMirrors(a, b mirror) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}

// TestChangeFeedMirrorsTheSite replays the change feed as a reuser would,
// after creations, edits, closures, archives, returns to validation, a
// deletion, and two transactions that commit in the other order than they
// wrote: the mirror ends with exactly the offers of the site.
func TestChangeFeedMirrorsTheSite(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", map[string]string{"API_RATE_LIMIT_PER_MINUTE": "100000"})
	ids := publishOffers(t, p)
	ctx := context.Background()
	s, db := p.Store(), p.Store().DB()
	c := newClient(t)
	m, cursor := mirror{}, ""
	eventuallyMirrors(t, p, c, &cursor, m, false, "the first replay to mirror the site")
	if _, ok := m[ids["V-5"]]; ok || len(m) < 5 {
		t.Fatalf("mirror after the first replay: %v", m)
	}
	if _, ok := m[ids["V-4"]]; ok {
		t.Fatal("an archived offer is in the mirror")
	}

	adm, err := s.AdministrationBySlug(ctx, "ville-demo")
	if err != nil {
		t.Fatal(err)
	}
	// Edit, close, reopen, archive, back to validation, create, delete.
	o, err := s.OfferByID(ctx, adm.ID, ids["V-1"])
	if err != nil {
		t.Fatal(err)
	}
	o.Title = "Infirmier·ère scolaire (poste modifié)"
	if err := s.UpdateOffer(ctx, adm.ID, o, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	for _, mv := range []struct {
		ref string
		to  vivier.OfferStatus
	}{{"V-2", vivier.OfferClosed}, {"V-3", vivier.OfferArchived}} {
		if err := s.MoveOffer(ctx, adm.ID, ids[mv.ref], mv.to, vivier.Actor{}); err != nil {
			t.Fatalf("%s to %s: %v", mv.ref, mv.to, err)
		}
	}
	if _, err := db.Exec(`UPDATE offers SET status = 'pending', validation_admin_id = administration_id WHERE id = $1`, ids["M-2"]); err != nil {
		t.Fatal(err)
	}
	created := &vivier.Offer{Kind: vivier.KindEmploi, Reference: "V-NEW", Versant: adm.Versant, Title: "Jardinier·ère",
		ContractForms: []string{"CDI"}, Workplace: "SUR_SITE"}
	gone := &vivier.Offer{Kind: vivier.KindEmploi, Reference: "V-GONE", Versant: adm.Versant, Title: "Offre retirée de la base",
		ContractForms: []string{"CDI"}, Workplace: "SUR_SITE"}
	for _, o := range []*vivier.Offer{created, gone} {
		if err := s.CreateOffer(ctx, adm.ID, o, vivier.Actor{}); err != nil {
			t.Fatal(err)
		}
		if err := s.MoveOffer(ctx, adm.ID, o.ID, vivier.OfferPublished, vivier.Actor{}); err != nil {
			t.Fatal(err)
		}
	}
	eventuallyMirrors(t, p, c, &cursor, m, false, "the mirror to follow edits, closures and archives")
	if m[ids["V-2"]] != "cloturee Stage en développement web" || m[created.ID] != "publiee Jardinier·ère" || m[ids["M-2"]] != "" {
		t.Fatalf("mirror = %v", m)
	}
	if _, err := db.Exec(`DELETE FROM offers WHERE id = $1`, gone.ID); err != nil {
		t.Fatal(err)
	}
	if err := s.MoveOffer(ctx, adm.ID, ids["V-2"], vivier.OfferPublished, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	eventuallyMirrors(t, p, c, &cursor, m, false, "the mirror to drop a deleted offer and reopen a closed one")

	// Two transactions commit out of order: the first to take its number
	// writes and commits last. A reader who passed the second's change
	// must still get the first's.
	first, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = first.Rollback() }()
	if _, err := first.Exec(`SELECT pg_current_xact_id()`); err != nil {
		t.Fatal(err)
	}
	second, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := second.Exec(`UPDATE offers SET title = 'Second, validé en premier', updated_at = now() WHERE id = $1`, ids["M-1"]); err != nil {
		t.Fatal(err)
	}
	if err := second.Commit(); err != nil {
		t.Fatal(err)
	}
	cursor = replayChanges(t, c, p.URL, cursor, m, false)
	if _, err := first.Exec(`UPDATE offers SET title = 'Premier, validé en dernier', updated_at = now() WHERE id = $1`, created.ID); err != nil {
		t.Fatal(err)
	}
	cursor = replayChanges(t, c, p.URL, cursor, m, false)
	if err := first.Commit(); err != nil {
		t.Fatal(err)
	}
	eventuallyMirrors(t, p, c, &cursor, m, false, "the mirror to get both transactions")
	if m[created.ID] != "publiee Premier, validé en dernier" || m[ids["M-1"]] != "publiee Second, validé en premier" {
		t.Fatalf("mirror after two transactions = %v", m)
	}

	// Once in CSV, from the start: the same mirror.
	fromCSV, csvCursor := mirror{}, ""
	eventuallyMirrors(t, p, c, &csvCursor, fromCSV, true, "the CSV replay to mirror the site")
	if !equalMirrors(fromCSV, m) {
		t.Fatalf("CSV mirror %v, JSON mirror %v", fromCSV, m)
	}
	if resp, _ := get(t, c, p.URL+"/api/v1/donnees/modifications?apres=bm9u"); resp.StatusCode != 400 {
		t.Errorf("a bad cursor = %d, want 400", resp.StatusCode)
	}
}

// TestOpenDataCSVFollowsItsSchema reads the offers as CSV, by each of the
// three ways of asking, with encoding/csv, and checks each column and value
// against the Table Schema that the answer links to.
func TestOpenDataCSVFollowsItsSchema(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", map[string]string{"API_RATE_LIMIT_PER_MINUTE": "100000"})
	ids := publishOffers(t, p)
	ctx := context.Background()
	s := p.Store()
	adm, err := s.AdministrationBySlug(ctx, "ville-demo")
	if err != nil {
		t.Fatal(err)
	}
	o, err := s.OfferByID(ctx, adm.ID, ids["V-1"])
	if err != nil {
		t.Fatal(err)
	}
	o.Title = `Agent "polyvalent", accueil`
	o.Conditions.V.SalaryContractuel = "2 000 € à 2 500 € bruts mensuels,\nselon expérience"
	if err := s.UpdateOffer(ctx, adm.ID, o, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	c := newClient(t)
	var bodies []string
	for _, ask := range []struct{ path, accept string }{
		{"/api/v1/donnees/offres.csv?limite=100", ""},
		{"/api/v1/donnees/offres?format=csv&limite=100", ""},
		{"/api/v1/donnees/offres?limite=100", "text/csv"},
	} {
		req, _ := http.NewRequest("GET", p.URL+ask.path, nil)
		if ask.accept != "" {
			req.Header.Set("Accept", ask.accept)
		}
		resp, b := send(t, c, req)
		link := resp.Header.Get("Link")
		if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/csv; charset=utf-8") ||
			!strings.Contains(link, `/api/v1/donnees/schemas/offres.json>; rel="describedby"`) ||
			!strings.Contains(link, "<"+vivier.OpenDataLicenceURL+`>; rel="license"`) || !strings.Contains(resp.Header.Get("X-Licence"), "etalab-2.0") {
			t.Fatalf("%s (Accept %q) = %d %q, Link %q", ask.path, ask.accept, resp.StatusCode, resp.Header.Get("Content-Type"), link)
		}
		bodies = append(bodies, b)
	}
	if bodies[0] != bodies[1] || bodies[1] != bodies[2] {
		t.Fatal("the three ways of asking for CSV give different files")
	}
	if !strings.Contains(bodies[0], "\r\n") || !strings.Contains(bodies[0], `"Agent ""polyvalent"", accueil"`) {
		t.Fatalf("not RFC 4180 quoting and line ends:\n%s", bodies[0])
	}
	rows := checkCSVAgainstSchema(t, c, p.URL+"/api/v1/donnees/schemas/offres.json", bodies[0])
	if len(rows) != 4 {
		t.Fatalf("%d offers in the CSV, want the 4 published", len(rows))
	}
	var found bool
	for _, r := range rows {
		if r["id"] == itoa(ids["V-1"]) {
			found = r["titre"] == `Agent "polyvalent", accueil` && r["salaire_contractuel"] == "2 000 € à 2 500 € bruts mensuels,\nselon expérience" &&
				r["employeur"] == adm.Name && r["statut"] == "publiee" && r["departements"] == "44" && r["regions"] == "52"
		}
	}
	if !found {
		t.Fatalf("the edited offer does not read back: %v", rows)
	}
	// The change feed's CSV follows its own schema.
	_, body := get(t, c, p.URL+"/api/v1/donnees/modifications.csv?limite=100")
	checkCSVAgainstSchema(t, c, p.URL+"/api/v1/donnees/schemas/modifications.json", body)
	// JSON states the licence too; a wrong format is a 400.
	resp, body := get(t, c, p.URL+"/api/v1/donnees/offres?limite=1")
	if resp.StatusCode != 200 || !strings.Contains(body, `"licence":{"id":"etalab-2.0"`) || !strings.Contains(resp.Header.Get("Link"), `rel="license"`) {
		t.Fatalf("JSON = %d, %s", resp.StatusCode, body)
	}
	if resp, _ := get(t, c, p.URL+"/api/v1/donnees/offres?format=xls"); resp.StatusCode != 400 {
		t.Errorf("format=xls = %d, want 400", resp.StatusCode)
	}
}

// checkCSVAgainstSchema parses a CSV, checks that its header is exactly the
// schema's fields and each value meets its field's type and constraints,
// and returns the rows by column name.
func checkCSVAgainstSchema(t *testing.T, c *http.Client, schemaURL, body string) []map[string]string {
	t.Helper()
	resp, raw := get(t, c, schemaURL)
	var schema struct {
		Name     string `json:"name"`
		Licenses []struct {
			Name string `json:"name"`
		} `json:"licenses"`
		Fields []struct {
			Name, Title, Description, Type, Format string
			Constraints                            struct {
				Required bool     `json:"required"`
				Enum     []string `json:"enum"`
				Pattern  string   `json:"pattern"`
			} `json:"constraints"`
		} `json:"fields"`
	}
	if err := json.Unmarshal([]byte(raw), &schema); err != nil || resp.StatusCode != 200 || len(schema.Licenses) != 1 || schema.Licenses[0].Name != "etalab-2.0" {
		t.Fatalf("schema %s = %d: %v\n%s", schemaURL, resp.StatusCode, err, raw)
	}
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) == 0 {
		t.Fatalf("CSV does not parse: %v\n%s", err, body)
	}
	if len(rows[0]) != len(schema.Fields) {
		t.Fatalf("CSV has %d columns, the schema %d", len(rows[0]), len(schema.Fields))
	}
	for i, f := range schema.Fields {
		if rows[0][i] != f.Name || f.Title == "" || f.Description == "" || f.Type == "" {
			t.Errorf("column %d %q: schema field %+v", i, rows[0][i], f)
		}
	}
	var out []map[string]string
	for _, r := range rows[1:] {
		row := map[string]string{}
		for i, f := range schema.Fields {
			v := r[i]
			row[f.Name] = v
			if v == "" {
				if f.Constraints.Required {
					t.Errorf("row %v: %s is required", r, f.Name)
				}
				continue
			}
			var bad bool
			switch f.Type {
			case "integer":
				_, err := strconv.ParseInt(v, 10, 64)
				bad = err != nil
			case "datetime":
				bad = !regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$`).MatchString(v)
			case "string":
				bad = f.Format == "uri" && !strings.HasPrefix(v, "http")
			default:
				bad = true
			}
			if f.Constraints.Enum != nil && !contains(f.Constraints.Enum, v) {
				bad = true
			}
			if f.Constraints.Pattern != "" && !regexp.MustCompile(f.Constraints.Pattern).MatchString(v) {
				bad = true
			}
			if bad {
				t.Errorf("%s: %q does not meet %s %s %+v", f.Name, v, f.Type, f.Format, f.Constraints)
			}
		}
		out = append(out, row)
	}
	return out
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}
