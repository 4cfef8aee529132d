package vivier_test

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"

	"github.com/go-pdf/fpdf"

	"vivier"
)

const maxDoc = 10 << 20

// cvPDF makes a real PDF with the given lines, set as a word processor
// would (11 points on A4, long lines wrapped); configure may add a script
// or a password.
func cvPDF(t testing.TB, configure func(*fpdf.Fpdf), lines ...string) []byte {
	t.Helper()
	f := fpdf.New("P", "mm", "A4", "")
	f.SetCompression(false)
	if configure != nil {
		configure(f)
	}
	f.AddPage()
	f.SetFont("Helvetica", "", 11)
	tr := f.UnicodeTranslatorFromDescriptor("")
	for _, l := range lines {
		f.MultiCell(0, 5.5, tr(l), "", "L", false)
	}
	var b bytes.Buffer
	if err := f.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func zipOf(t testing.TB, files map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	z := zip.NewWriter(&b)
	for name, body := range files {
		w, err := z.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := w.Write([]byte(body)); err != nil {
			t.Fatal(err)
		}
	}
	if err := z.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestCheckDocumentAccepts(t *testing.T) {
	t.Parallel()
	pdfCV := cvPDF(t, nil, "Camille Martin", "Développeuse Go et PostgreSQL", "Compétences : Node/JavaScript, React/JS (2 ans)")
	docx := zipOf(t, map[string]string{"[Content_Types].xml": "<Types/>",
		"word/document.xml": `<w:document xmlns:w="w"><w:body><w:p><w:r><w:t>Infirmière</w:t></w:r></w:p><w:p><w:r><w:t>diplômée d'État</w:t></w:r></w:p></w:body></w:document>`})
	odt := zipOf(t, map[string]string{"mimetype": vivier.TypeODT,
		"content.xml": `<office:document-content xmlns:office="o" xmlns:text="t"><text:p>Chargée de mission</text:p></office:document-content>`})
	for _, tc := range []struct {
		name     string
		data     []byte
		typ      string
		contains string
	}{
		{"cv.pdf", pdfCV, vivier.TypePDF, "Développeuse Go"},
		{"mon CV.docx", docx, vivier.TypeDOCX, "Infirmière diplômée d'État"},
		{"lettre.odt", odt, vivier.TypeODT, "Chargée de mission"},
		{"renamed.txt", pdfCV, vivier.TypePDF, "PostgreSQL"}, // the name says nothing
	} {
		d, err := vivier.CheckDocument(tc.name, tc.data, maxDoc)
		if err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if d.ContentType != tc.typ || !strings.Contains(d.Text, tc.contains) || d.Size != int64(len(tc.data)) || len(d.SHA256) != 64 {
			t.Errorf("%s = %+v", tc.name, d)
		}
	}
}

func TestCheckDocumentRefuses(t *testing.T) {
	t.Parallel()
	withScript := cvPDF(t, func(f *fpdf.Fpdf) { f.SetJavascript("app.alert('hello');") }, "CV")
	locked := cvPDF(t, func(f *fpdf.Fpdf) { f.SetProtection(fpdf.CnProtectPrint, "user", "owner") }, "CV")
	big := append(cvPDF(t, nil, "CV"), bytes.Repeat([]byte("%"), 11<<20)...)
	good := cvPDF(t, nil, "CV")
	for _, tc := range []struct {
		name, want string
		data       []byte
		code       string
	}{
		{"cv.pdf", "n'est pas un PDF", []byte("Je suis un simple fichier texte."), vivier.EINVALID},
		{"vide.pdf", "est vide", nil, vivier.EINVALID},
		{"gros.pdf", "dépasse la taille autorisée (10 Mo)", big, vivier.ETOOLARGE},
		{"script.pdf", "contient du JavaScript", withScript, vivier.EINVALID},
		{"protege.pdf", "protégé par un mot de passe", locked, vivier.EINVALID},
		{"coupe.pdf", "illisible ou endommagé", good[:len(good)/2], vivier.EINVALID},
		{"archive.docx", "n'est pas un PDF", zipOf(t, map[string]string{"a.txt": "x"}), vivier.EINVALID},
	} {
		_, err := vivier.CheckDocument(tc.name, tc.data, maxDoc)
		if vivier.ErrorCode(err) != tc.code || !strings.Contains(vivier.ErrorMessage(err), tc.want) {
			t.Errorf("%s: %v, want %s %q", tc.name, err, tc.code, tc.want)
		}
	}
}

func FuzzCheckDocument(f *testing.F) {
	f.Add(cvPDF(f, nil, "Développeuse"))
	f.Add(cvPDF(f, func(p *fpdf.Fpdf) { p.SetJavascript("x") }, "CV"))
	f.Add(zipOf(f, map[string]string{"word/document.xml": "<w:t>x</w:t>"}))
	f.Add([]byte("%PDF-1.4\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		d, err := vivier.CheckDocument("f", data, maxDoc)
		if (d == nil) == (err == nil) {
			t.Fatalf("document %v and error %v", d, err)
		}
		if err != nil && vivier.ErrorCode(err) == vivier.EINTERNAL {
			t.Fatalf("internal error on bad input: %v", err)
		}
	})
}
