package jobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
	"golang.org/x/oauth2/clientcredentials"

	"vivier"
)

// INGRESConfig is how the RMFP métiers are read from INGRES, the DGAFP's
// referential service, behind PISTE, the State's API gateway: an OAuth2
// client (client credentials) of PISTE_OAUTH_URL, then INGRES_URL's
// RMFP_EMPL_REF. Without a client id the task does nothing, and platform
// administrators import the métiers from a file instead.
type INGRESConfig struct {
	OAuthURL     string // PISTE_OAUTH_URL: the token is at {OAuthURL}/api/oauth/token
	URL          string // INGRES_URL: RMFP_EMPL_REF is at {URL}/RMFP_EMPL_REF
	ClientID     string // INGRES_CLIENT_ID
	ClientSecret string // INGRES_CLIENT_SECRET
	Timeout      time.Duration
}

// Enabled tells whether INGRES is configured.
func (c INGRESConfig) Enabled() bool { return c.ClientID != "" && c.URL != "" && c.OAuthURL != "" }

// ingres reads INGRES. Its token is kept until it expires (oauth2 renews
// it then); one INGRES refuses (401) is dropped and asked for again once.
type ingres struct {
	cfg  INGRESConfig
	http lazyOutbound

	mu     sync.Mutex
	tokens oauth2.TokenSource
}

func (g *ingres) client(p vivier.OutboundPolicy) *http.Client {
	t := g.cfg.Timeout
	if t <= 0 {
		t = 60 * time.Second // the full list is a few megabytes
	}
	return g.http.get(p, t)
}

func (g *ingres) tokenSource(c *http.Client, fresh bool) oauth2.TokenSource {
	g.mu.Lock()
	defer g.mu.Unlock()
	if g.tokens == nil || fresh {
		cc := clientcredentials.Config{ClientID: g.cfg.ClientID, ClientSecret: g.cfg.ClientSecret,
			TokenURL: strings.TrimSuffix(g.cfg.OAuthURL, "/") + "/api/oauth/token", Scopes: []string{"openid"},
			AuthStyle: oauth2.AuthStyleInParams}
		// The token's own context: its client must outlive one task's.
		g.tokens = cc.TokenSource(context.WithValue(context.Background(), oauth2.HTTPClient, c))
	}
	return g.tokens
}

// rmfpItem is the part of an RMFP_EMPL_REF item we read.
type rmfpItem struct {
	Identifiant string `json:"identifiant"`
	Definitions struct {
		Libelles struct {
			Court string `json:"libelleCourt"`
			Long  string `json:"libelleLong"`
		} `json:"libelles"`
		Famille struct {
			CodeDomaine    string `json:"codeDomaineFonctionnel"`
			LibelleDomaine string `json:"libelleDomaineFonctionnel"`
			CodeFamille    string `json:"codeFamille"`
			LibelleFamille string `json:"libelleFamille"`
		} `json:"domaineFonctionnel_Famille"`
		FonctionPublique json.RawMessage `json:"fonctionPublique"`
		Definition       struct {
			Definition string `json:"definition"`
		} `json:"definitionSynthetiqueDeLEr"`
	} `json:"definitions"`
}

// versants reads fonctionPublique, a string ("FPE") or a list of them.
func (i rmfpItem) versants() []string {
	var one string
	if json.Unmarshal(i.Definitions.FonctionPublique, &one) == nil {
		return strings.FieldsFunc(one, func(r rune) bool { return r == ',' || r == ' ' || r == ';' })
	}
	var many []string
	_ = json.Unmarshal(i.Definitions.FonctionPublique, &many) // neither: no versant
	return many
}

func (i rmfpItem) metier() vivier.RMFPMetier {
	d := i.Definitions
	return vivier.RMFPMetier{Code: i.Identifiant, Label: d.Libelles.Court, LabelLong: d.Libelles.Long,
		DomaineCode: d.Famille.CodeDomaine, DomaineLabel: d.Famille.LibelleDomaine, FamilyCode: d.Famille.CodeFamille,
		FamilyLabel: d.Famille.LibelleFamille, Definition: d.Definition.Definition, Versants: i.versants()}
}

// errUnauthorized is INGRES refusing the token.
var errUnauthorized = errors.New("INGRES refused the token (401)")

// metiers reads the métiers in force, in full.
func (g *ingres) metiers(ctx context.Context, c *http.Client) ([]vivier.RMFPMetier, error) {
	items, err := g.fetch(ctx, c, g.tokenSource(c, false))
	if errors.Is(err, errUnauthorized) {
		items, err = g.fetch(ctx, c, g.tokenSource(c, true))
	}
	if err != nil {
		return nil, err
	}
	out := make([]vivier.RMFPMetier, 0, len(items))
	for _, i := range items {
		out = append(out, i.metier())
	}
	return out, nil
}

func (g *ingres) fetch(ctx context.Context, c *http.Client, ts oauth2.TokenSource) ([]rmfpItem, error) {
	tok, err := ts.Token()
	if err != nil {
		return nil, fmt.Errorf("PISTE token: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet,
		strings.TrimSuffix(g.cfg.URL, "/")+"/RMFP_EMPL_REF?enVigueur=true&full=true", nil)
	if err != nil {
		return nil, err
	}
	tok.SetAuthHeader(req)
	req.Header.Set("Accept", "application/json")
	resp, err := c.Do(req)
	if err != nil {
		return nil, fmt.Errorf("INGRES: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()
	switch {
	case resp.StatusCode == http.StatusUnauthorized:
		return nil, errUnauthorized
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("INGRES answered %d", resp.StatusCode)
	}
	var body struct {
		Items []rmfpItem `json:"items"`
	}
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(&body); err != nil {
		return nil, fmt.Errorf("INGRES: an answer that is not the RMFP list: %w", err)
	}
	return body.Items, nil
}

// handleRMFPSync (vivier.TaskRMFPSync) keeps the métiers current from
// INGRES: new ones added, renamed ones renamed, those no longer in force
// retired (they stay on the offers that name them). An error (PISTE or
// INGRES down, an answer that is not the list) changes nothing and is
// retried.
func (w *Worker) handleRMFPSync(ctx context.Context) error {
	if !w.ingres.cfg.Enabled() {
		return nil
	}
	items, err := w.ingres.metiers(ctx, w.ingres.client(w.store.OutboundPolicy()))
	if err != nil {
		return err
	}
	res, err := w.store.SyncMetiers(ctx, vivier.MetierINGRES, items, true, vivier.Actor{Email: "INGRES"})
	if err != nil {
		return err
	}
	w.log.InfoContext(ctx, "RMFP métiers synced from INGRES", "created", res.Created, "updated", res.Updated,
		"retired", res.Retired, "reactivated", res.Reactivated, "unchanged", res.Unchanged, "rejected", len(res.Rejected))
	return nil
}
