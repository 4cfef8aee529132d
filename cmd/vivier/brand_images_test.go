package main

import (
	"context"
	"net/url"
	"strings"
	"testing"
)

// An image sent to the draft stays out of public reach until the page that
// shows it is published; the administration's agents see it in the editor
// and the preview meanwhile.
func TestDraftBrandImagesAreNotPublic(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	c, token := signInAs(t, p, "marque@ministere-demo.vivier.test")
	base := p.URL + "/admin/ministere-demo/marque"
	resp, _ := postForm(t, c, base+"/blocs", url.Values{"_csrf": {token}, "kind": {"hero"}})
	hero := blockLocationRE.FindStringSubmatch(resp.Header.Get("Location"))
	if resp.StatusCode != 303 || hero == nil {
		t.Fatalf("add hero = %d", resp.StatusCode)
	}
	resp, body := postMultipart(t, c, base+"/blocs/"+hero[1], map[string]string{"_csrf": token, "title": "Rejoignez-nous", "text": "Une accroche"},
		map[string][]byte{"image-file": testPNG(t, 64, 48)})
	if resp.StatusCode != 303 {
		t.Fatalf("save hero = %d\n%s", resp.StatusCode, body)
	}
	draft, err := p.Store().BrandPage(context.Background(), adminID(t, p, "ministere-demo"))
	if err != nil || len(draft.Draft.Blocks) != 1 || draft.Draft.Blocks[0].Image == "" {
		t.Fatalf("draft = %+v, %v", draft, err)
	}
	digest := draft.Draft.Blocks[0].Image
	public := "/employeurs/ministere-demo/images/" + digest
	anon := newClient(t)

	if resp, _ := get(t, anon, p.URL+public); resp.StatusCode != 404 {
		t.Errorf("draft image to an anonymous visitor = %d, want 404", resp.StatusCode)
	}
	// The preview and the editor point at the back-office's copy, which the
	// agent sees.
	for _, page := range []string{"/apercu", ""} {
		_, body := get(t, c, base+page)
		if strings.Contains(body, public) || !strings.Contains(body, "/admin/ministere-demo/marque/images/"+digest) {
			t.Errorf("%s does not show the draft image through the back-office", base+page)
		}
	}
	resp, _ = get(t, c, base+"/images/"+digest)
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "image/") || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("draft image to its agent = %d %v", resp.StatusCode, resp.Header)
	}
	if resp, _ := get(t, anon, base+"/images/"+digest); resp.StatusCode == 200 {
		t.Error("the back-office's image is open to anonymous visitors")
	}
	other, _ := signInAs(t, p, "marque@ville-demo.vivier.test")
	if resp, _ := get(t, other, base+"/images/"+digest); resp.StatusCode == 200 {
		t.Error("another administration's agent sees the draft image")
	}
	if resp, _ := get(t, other, p.URL+"/admin/ville-demo/marque/images/"+digest); resp.StatusCode != 404 {
		t.Errorf("another administration's image under one's own = %d, want 404", resp.StatusCode)
	}

	// Published: public. Replaced by a new image and published again: the
	// old one is no longer served.
	if resp, _ := postForm(t, c, base+"/publication", url.Values{"_csrf": {token}}); resp.StatusCode != 303 {
		t.Fatalf("publish = %d", resp.StatusCode)
	}
	if resp, _ := get(t, anon, p.URL+public); resp.StatusCode != 200 {
		t.Fatalf("published image = %d", resp.StatusCode)
	}
	resp, body = postMultipart(t, c, base+"/blocs/"+hero[1], map[string]string{"_csrf": token, "title": "Rejoignez-nous", "text": "Une accroche"},
		map[string][]byte{"image-file": testPNG(t, 80, 40)})
	if resp.StatusCode != 303 {
		t.Fatalf("save hero = %d\n%s", resp.StatusCode, body)
	}
	if resp, _ := get(t, anon, p.URL+public); resp.StatusCode != 200 {
		t.Errorf("published image while a new draft waits = %d, want 200", resp.StatusCode)
	}
	postForm(t, c, base+"/publication", url.Values{"_csrf": {token}})
	if resp, _ := get(t, anon, p.URL+public); resp.StatusCode != 404 {
		t.Errorf("image of a replaced version = %d, want 404", resp.StatusCode)
	}
}
