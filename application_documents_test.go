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
	"vivier/migrations/dbtest"
)

// The Go reading of a documents_requis line and the database's (the
// "incomplete file" condition) agree.
func TestOfferDocumentLinesReadAlike(t *testing.T) {
	t.Parallel()
	db := dbtest.New(t)
	for _, tc := range []struct {
		line, label string
		optional    bool
		types       string
	}{
		{"Copie du diplôme", "Copie du diplôme", false, "PDF ou image (JPEG, PNG ou WebP)"},
		{"Photo d'identité (Facultatif) [image]", "Photo d'identité", true, "image (JPEG, PNG ou WebP)"},
		{"  Attestation [PDF, ODT-DOCX]  ", "Attestation", false, "PDF ou ODT ou DOCX"},
		{"Permis B [pdf] (facultatif)", "Permis B", true, "PDF"},
		{"Casier (bulletin n°3) [pdf, image, odt]", "Casier (bulletin n°3)", false, "PDF, image (JPEG, PNG ou WebP) ou ODT ou DOCX"},
	} {
		d, err := vivier.ParseOfferDocument(tc.line)
		if err != nil {
			t.Fatalf("%q: %v", tc.line, err)
		}
		if d.Label != tc.label || d.Optional != tc.optional || d.TypesText() != tc.types {
			t.Errorf("%q = %+v (%s)", tc.line, d, d.TypesText())
		}
		var got struct {
			Label    string `db:"label"`
			Optional bool   `db:"optional"`
		}
		if err := db.GetContext(context.Background(), &got, `SELECT offer_document_label($1) AS label, offer_document_optional($1) AS optional`, tc.line); err != nil {
			t.Fatal(err)
		}
		if got.Label != d.Label || got.Optional != d.Optional {
			t.Errorf("%q: database reads %+v, Go %+v", tc.line, got, d)
		}
	}
	if _, err := vivier.ParseOfferDocument("Diplôme [pfd]"); err == nil || !strings.Contains(vivier.ErrorMessage(err), "« pfd » est inconnu") {
		t.Errorf("unknown type: %v", err)
	}
}

func pngOf(t testing.TB) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := 0; x < 40; x++ {
		for y := 0; y < 30; y++ {
			img.Set(x, y, color.RGBA{uint8(6 * x), 0, 145, 255}) // opaque: re-encoded as JPEG
		}
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

// A document is checked by its content: a renamed executable or text file
// is refused with a message naming the document, an image is re-encoded,
// a format the document does not accept is refused.
func TestCheckPieceByContent(t *testing.T) {
	t.Parallel()
	diploma, _ := vivier.ParseOfferDocument("Copie du diplôme")
	pdfOnly, _ := vivier.ParseOfferDocument("Attestation [PDF]")
	for _, tc := range []struct {
		doc  vivier.OfferDocument
		name string
		data []byte
		want string
	}{
		{diploma, "diplome.pdf", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00 This program cannot be run in DOS mode"), "n'est pas accepté pour « Copie du diplôme »"},
		{diploma, "diplome.jpg", []byte("Je suis un simple fichier texte."), "format attendu (PDF ou image (JPEG, PNG ou WebP))"},
		{pdfOnly, "attestation.pdf", pngOf(t), "n'est pas accepté pour « Attestation »"},
		{diploma, "vide.pdf", nil, "est vide"},
	} {
		_, err := vivier.CheckPiece(tc.doc, tc.name, tc.data, maxDoc)
		if err == nil || !strings.Contains(vivier.ErrorMessage(err), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
	up, err := vivier.CheckPiece(diploma, "scan diplôme.png", pngOf(t), maxDoc)
	if err != nil {
		t.Fatal(err)
	}
	if up.ContentType != "image/jpeg" || up.Name != "scan diplôme.jpg" || up.Size != int64(len(up.Data)) || bytes.Equal(up.Data, pngOf(t)) {
		t.Errorf("image = %s %s %d", up.Name, up.ContentType, up.Size)
	}
	up, err = vivier.CheckPiece(diploma, "d.bin", cvPDF(t, nil, "Master de droit public"), maxDoc)
	if err != nil || up.ContentType != vivier.TypePDF || !strings.Contains(up.Text, "Master") {
		t.Errorf("pdf = %+v, %v", up, err)
	}
}
