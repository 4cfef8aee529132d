package vivier_test

import (
	"bytes"
	"context"
	"image"
	"image/color"
	"image/png"
	"strings"
	"testing"

	"vivier"
)

func pngBytes(t *testing.T, w, h int, alpha uint8) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, color.NRGBA{uint8(x), uint8(y), 120, alpha})
		}
	}
	var buf bytes.Buffer
	if err := png.Encode(&buf, img); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func brandAdministrations(t *testing.T, s *vivier.Store) (a, b *vivier.Administration) {
	t.Helper()
	ctx := context.Background()
	a = &vivier.Administration{Slug: "ministere-a", Name: "Ministère A", Versant: vivier.VersantEtat}
	b = &vivier.Administration{Slug: "ville-b", Name: "Ville B", Versant: vivier.VersantTerritoriale}
	for _, adm := range []*vivier.Administration{a, b} {
		if err := s.UpsertAdministration(ctx, adm); err != nil {
			t.Fatal(err)
		}
	}
	return a, b
}

func setHero(title string) func(*vivier.BrandContent) error {
	return func(c *vivier.BrandContent) error {
		if h := c.Hero(); h != nil {
			h.Title = title
			return nil
		}
		h, err := c.AddBlock(vivier.BlockHero)
		if err == nil {
			h.Title = title
		}
		return err
	}
}

func TestBrandVersionsAndRestore(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	a, _ := brandAdministrations(t, s)
	who := vivier.Actor{Email: "marque@a.fr"}

	if _, err := s.PublishBrand(ctx, a.ID, who); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Fatalf("publishing an empty page: %v, want EINVALID", err)
	}
	if err := s.EditBrandDraft(ctx, a.ID, who, "brand.block_added", "x", setHero("Première")); err != nil {
		t.Fatal(err)
	}
	if _, err := s.PublishedBrandBySlug(ctx, a.Slug); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Fatalf("a draft is public: %v", err)
	}
	if v, err := s.PublishBrand(ctx, a.ID, who); err != nil || v != 1 {
		t.Fatalf("first publication = %d, %v", v, err)
	}
	if err := s.EditBrandDraft(ctx, a.ID, who, "brand.block_updated", "x", setHero("Deuxième")); err != nil {
		t.Fatal(err)
	}
	pub, err := s.PublishedBrandBySlug(ctx, a.Slug)
	if err != nil || pub.Version != 1 || pub.Content.V.Hero().Title != "Première" {
		t.Fatalf("public page while the draft changes = %+v, %v", pub, err)
	}
	if v, err := s.PublishBrand(ctx, a.ID, who); err != nil || v != 2 {
		t.Fatalf("second publication = %d, %v", v, err)
	}
	if page, err := s.BrandPage(ctx, a.ID); err != nil || page.Unpublished {
		t.Errorf("just after publication, the draft reads as changed (%v)", err)
	}

	// Restoring copies into the draft; the public page waits for a publication.
	if err := s.RestoreBrandVersion(ctx, a.ID, 1, who); err != nil {
		t.Fatal(err)
	}
	page, err := s.BrandPage(ctx, a.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !page.Unpublished {
		t.Error("a restored older version does not read as unpublished changes")
	}
	pub, err = s.PublishedBrandBySlug(ctx, a.Slug)
	if err != nil {
		t.Fatal(err)
	}
	if page.Draft.Hero().Title != "Première" || pub.Content.V.Hero().Title != "Deuxième" || page.PublishedVersion != 2 {
		t.Fatalf("after restoring v1: draft %q, public %q (v%d)", page.Draft.Hero().Title, pub.Content.V.Hero().Title, page.PublishedVersion)
	}
	versions, err := s.BrandVersions(ctx, a.ID)
	if err != nil || len(versions) != 2 || versions[0].Version != 2 || versions[0].PublishedByEmail != "marque@a.fr" {
		t.Fatalf("versions = %+v, %v", versions, err)
	}
	if err := s.RestoreBrandVersion(ctx, a.ID, 9, who); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Fatalf("restoring a missing version: %v", err)
	}
	log, err := s.AuditLog(ctx, a.ID, vivier.AuditFilter{})
	if err != nil {
		t.Fatal(err)
	}
	actions := map[string]int{}
	for _, e := range log {
		actions[e.Action]++
	}
	if actions["brand.published"] != 2 || actions["brand.restored"] != 1 || actions["brand.block_added"] != 1 {
		t.Fatalf("audit log = %v", actions)
	}
}

func TestBrandScopedByAdministration(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	s := newStore(t)
	a, b := brandAdministrations(t, s)
	img, err := vivier.ProcessImage(bytes.NewReader(pngBytes(t, 40, 30, 255)), vivier.ImageWidth)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.SaveImage(ctx, a.ID, img); err != nil {
		t.Fatal(err)
	}
	withLogo := func(c *vivier.BrandContent) error { c.Logo = img.SHA256; return setHero("Page")(c) }
	if err := s.EditBrandDraft(ctx, a.ID, vivier.Actor{}, "brand.theme_updated", "x", withLogo); err != nil {
		t.Fatal(err)
	}
	// B cannot borrow A's image, see A's draft or restore A's versions.
	if err := s.EditBrandDraft(ctx, b.ID, vivier.Actor{}, "brand.theme_updated", "x", withLogo); vivier.ErrorCode(err) != vivier.EINVALID {
		t.Fatalf("B using A's image: %v, want EINVALID", err)
	}
	if _, err := s.BrandImage(ctx, b.ID, img.SHA256); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Fatalf("A's image under B: %v", err)
	}
	if got, err := s.BrandImage(ctx, a.ID, img.SHA256); err != nil || !bytes.Equal(got.Data, img.Data) {
		t.Fatalf("A's image: %v", err)
	}
	if page, err := s.BrandPage(ctx, b.ID); err != nil || len(page.Draft.Blocks) != 0 {
		t.Fatalf("B's page = %+v, %v", page, err)
	}
	if _, err := s.PublishBrand(ctx, a.ID, vivier.Actor{}); err != nil {
		t.Fatal(err)
	}
	if err := s.RestoreBrandVersion(ctx, b.ID, 1, vivier.Actor{}); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Fatalf("B restoring A's version: %v", err)
	}
	if _, err := s.PublishedBrandBySlug(ctx, b.Slug); vivier.ErrorCode(err) != vivier.ENOTFOUND {
		t.Fatalf("B has a public page: %v", err)
	}
	list, err := s.PublishedBrands(ctx)
	if err != nil || len(list) != 1 || list[0].Slug != a.Slug {
		t.Fatalf("PublishedBrands = %+v, %v", list, err)
	}
}

func TestAccentContrast(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		accent string
		ok     bool
	}{
		{"#000091", true}, {"#767676", true}, {"#777777", false}, {"#ffff00", false}, {"#e1000f", true},
		{"#12345", false}, {"bleu", false}, {"#GGGGGG", false},
	} {
		err := vivier.CheckAccent(c.accent)
		if (err == nil) != c.ok {
			t.Errorf("CheckAccent(%s) = %v, want ok %v", c.accent, err, c.ok)
		}
		if err != nil && (vivier.ErrorCode(err) != vivier.EINVALID || !strings.Contains(vivier.ErrorMessage(err), "couleur")) {
			t.Errorf("CheckAccent(%s): %v", c.accent, err)
		}
	}
	if r, err := vivier.Contrast("#000000", "#ffffff"); err != nil || r < 20.9 || r > 21.1 {
		t.Errorf("black on white = %.2f, want 21 (%v)", r, err)
	}
}

func TestProcessImageByContent(t *testing.T) {
	t.Parallel()
	// A PNG is a PNG whatever its name: opaque, it becomes a JPEG.
	img, err := vivier.ProcessImage(bytes.NewReader(pngBytes(t, 2000, 500, 255)), vivier.ImageWidth)
	if err != nil {
		t.Fatal(err)
	}
	if img.ContentType != "image/jpeg" || img.Width != vivier.ImageWidth || img.Height != 400 || len(img.SHA256) != 64 {
		t.Fatalf("processed = %s %dx%d", img.ContentType, img.Width, img.Height)
	}
	// Transparency is kept, in a PNG.
	if img, err := vivier.ProcessImage(bytes.NewReader(pngBytes(t, 50, 50, 100)), vivier.LogoWidth); err != nil || img.ContentType != "image/png" || img.Width != 50 {
		t.Fatalf("transparent PNG: %+v, %v", img, err)
	}
	// Text is refused, whatever it claims to be.
	for _, bad := range [][]byte{[]byte("ceci n'est pas une image, même nommée logo.png"), {}, []byte("\x89PNG\r\n\x1a\nabîmé")} {
		if _, err := vivier.ProcessImage(bytes.NewReader(bad), vivier.ImageWidth); vivier.ErrorCode(err) != vivier.EINVALID {
			t.Errorf("ProcessImage(%q) = %v, want EINVALID", bad, err)
		}
	}
	big := bytes.Repeat([]byte{0}, vivier.MaxImageBytes+1)
	if _, err := vivier.ProcessImage(bytes.NewReader(big), vivier.ImageWidth); vivier.ErrorCode(err) != vivier.EINVALID ||
		!strings.Contains(vivier.ErrorMessage(err), "5 Mo") {
		t.Errorf("an image over 5 MB: %v", err)
	}
}

func TestVideoEmbed(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, want string }{
		{"https://www.youtube.com/watch?v=dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"},
		{"https://youtu.be/dQw4w9WgXcQ", "https://www.youtube-nocookie.com/embed/dQw4w9WgXcQ"},
		{"https://www.dailymotion.com/video/x8abc12", "https://geo.dailymotion.com/player.html?video=x8abc12"},
		{"https://dai.ly/x8abc12", "https://geo.dailymotion.com/player.html?video=x8abc12"},
		{"https://tube.numerique.gouv.fr/w/9c9de5e8-0a1b-4e5a-8b1f-2d5b1e7c1a00", "https://tube.numerique.gouv.fr/videos/embed/9c9de5e8-0a1b-4e5a-8b1f-2d5b1e7c1a00"},
		{"https://framatube.org/videos/watch/abcdef12", "https://framatube.org/videos/embed/abcdef12"},
		{"javascript:alert(1)", ""},
		{"https://evil.example/phish", ""},
		{"http://framatube.org/w/abcdef12", ""},
		{`https://www.youtube.com/watch?v="><script>`, ""},
	} {
		v, err := vivier.VideoEmbed(c.in)
		if v.EmbedURL != c.want || (c.want == "") != (err != nil) {
			t.Errorf("VideoEmbed(%q) = %q, %v; want %q", c.in, v.EmbedURL, err, c.want)
		}
	}
}

func TestMarkdownIsSanitised(t *testing.T) {
	t.Parallel()
	r := vivier.NewMarkdownRenderer()
	out := r.Render("# Titre\n\n**gras** <script>alert(1)</script> \"><img src=x onerror=alert(1)>\n\n[clic](javascript:alert(1)) [ok](https://exemple.gouv.fr)")
	for _, bad := range []string{"<script", "<img", "javascript:", "<h1"} {
		if strings.Contains(out, bad) {
			t.Errorf("rendered Markdown contains %q:\n%s", bad, out)
		}
	}
	for _, good := range []string{"<h3>Titre</h3>", "<strong>gras</strong>", `href="https://exemple.gouv.fr"`} {
		if !strings.Contains(out, good) {
			t.Errorf("rendered Markdown lacks %q:\n%s", good, out)
		}
	}
}
