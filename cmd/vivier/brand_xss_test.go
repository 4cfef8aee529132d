package main

import (
	"bytes"
	"context"
	"net/url"
	"strings"
	"testing"

	"vivier"
)

// xss is what an agent (or an attacker who took their account) might type
// in every text field of a brand page.
const xss = `<script>alert(1)</script> "><img src=x onerror=alert(1)> [clic](javascript:alert(1)) </script><b>`

// TestBrandXSS fills every text field of every kind of block with script
// payloads and checks that no page shows them as markup: the public page,
// the preview, the editor and the list of employers.
func TestBrandXSS(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", nil)
	ctx := context.Background()
	s := p.Store()
	admID := adminID(t, p, "ministere-demo")
	pic, err := vivier.ProcessImage(bytes.NewReader(testPNG(t, 20, 20)), vivier.ImageWidth)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveImage(ctx, admID, pic); err != nil {
		t.Fatal(err)
	}
	item := vivier.Item{Title: xss, Text: xss, Role: xss, Image: pic.SHA256, Alt: xss, Departement: "75"}
	var blocks []vivier.Block
	for _, k := range vivier.BlockKinds {
		b := vivier.Block{ID: string(k), Kind: k, Title: xss, Text: xss, Transcript: xss}
		switch k {
		case vivier.BlockHero:
			b.Image = pic.SHA256
		case vivier.BlockVideo:
			b.URL = "https://www.youtube.com/watch?v=dQw4w9WgXcQ"
		}
		if k.HasItems() {
			b.Items = []vivier.Item{item, item}
		}
		blocks = append(blocks, b)
	}
	who := vivier.Actor{Email: "marque@ministere-demo.vivier.test"}
	err = s.EditBrandDraft(ctx, admID, who, "brand.block_updated", "test", func(c *vivier.BrandContent) error {
		c.Blocks, c.Logo = blocks, pic.SHA256
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.PublishBrand(ctx, admID, who); err != nil {
		t.Fatal(err)
	}

	c, token := signInAs(t, p, "marque@ministere-demo.vivier.test")
	// What cannot be text is refused: a javascript: video URL, a colour that
	// would break out of the stylesheet.
	for _, form := range []url.Values{
		{"url": {"javascript:alert(1)"}, "transcript": {"x"}},
		{"accent": {`#000"><script>`}},
	} {
		form.Set("_csrf", token)
		path := "/admin/ministere-demo/marque/blocs/video"
		if form.Has("accent") {
			path = "/admin/ministere-demo/marque/theme"
		}
		if resp, _ := postForm(t, c, p.URL+path, form); resp.StatusCode != 422 {
			t.Errorf("POST %s %v = %d, want 422", path, form, resp.StatusCode)
		}
	}
	pages := map[string]string{}
	_, pages["public"] = get(t, newClient(t), p.URL+"/employeurs/ministere-demo")
	_, pages["employers"] = get(t, newClient(t), p.URL+"/employeurs")
	_, pages["preview"] = get(t, c, p.URL+"/admin/ministere-demo/marque/apercu")
	_, pages["editor"] = get(t, c, p.URL+"/admin/ministere-demo/marque")
	for name, body := range pages {
		for _, bad := range []string{"<script>alert", "<img src=x", `href="javascript:`, "onerror=alert(1)>", "<b>"} {
			if strings.Contains(body, bad) {
				i := strings.Index(body, bad)
				t.Errorf("%s page contains %q: …%s…", name, bad, body[max(0, i-80):min(len(body), i+80)])
			}
		}
		if !strings.Contains(body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
			t.Errorf("%s page does not show the payload as text", name)
		}
	}
	// Inside JSON-LD the payload cannot close the script element.
	if m := jsonldRE.FindStringSubmatch(pages["public"]); m == nil || strings.Contains(m[1], "</script") || !strings.Contains(m[1], `\u003cscript\u003e`) {
		t.Errorf("JSON-LD: %v", m)
	}
}
