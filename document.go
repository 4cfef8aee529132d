package vivier

import (
	"archive/zip"
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"regexp"
	"strings"
	"unicode/utf8"

	"github.com/ledongthuc/pdf"
)

// Document is a file a candidate sends (CV, cover letter), once checked by
// its content: the name the browser gave says nothing of what the bytes are.
type Document struct {
	Name        string // as sent, for the recruiter's download
	ContentType string // what the content is, not what the name says
	Size        int64
	SHA256      string
	Text        string // extracted, for the recruiters' search and the suggestions
}

// Content types of the documents Vivier accepts.
const (
	TypePDF  = "application/pdf"
	TypeODT  = "application/vnd.oasis.opendocument.text"
	TypeDOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
)

// maxExtractedText bounds the text kept from a document: a CV is a few pages.
const maxExtractedText = 200_000

// CheckDocument says whether data is a PDF, ODT or DOCX document within
// maxSize bytes, and extracts its text. Every refusal has its own French
// message, so the candidate knows what to do.
func CheckDocument(name string, data []byte, maxSize int64) (*Document, error) {
	switch {
	case len(data) == 0:
		return nil, Errorf(EINVALID, "Le fichier « %s » est vide.", name)
	case int64(len(data)) > maxSize:
		return nil, Errorf(ETOOLARGE, "Le fichier « %s » dépasse la taille autorisée (%s).", name, FormatSize(maxSize))
	}
	d := &Document{Name: cleanFileName(name), Size: int64(len(data))}
	sum := sha256.Sum256(data)
	d.SHA256 = hex.EncodeToString(sum[:])
	var err error
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		d.ContentType = TypePDF
		d.Text, err = pdfText(name, data)
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		d.ContentType, d.Text, err = officeText(name, data)
	default:
		err = Errorf(EINVALID, "Le fichier « %s » n'est pas un PDF, ni un document ODT ou DOCX : son contenu ne correspond pas à ces formats.", name)
	}
	if err != nil {
		return nil, err
	}
	return d, nil
}

// FormatSize writes a size in French units.
func FormatSize(n int64) string {
	if n >= 1<<20 {
		return fmt.Sprintf("%d Mo", n>>20)
	}
	return fmt.Sprintf("%d ko", n>>10)
}

// cleanFileName keeps a safe, short file name for the download header.
func cleanFileName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f || strings.ContainsRune(`"<>|:*?`, r) {
			return -1
		}
		return r
	}, name)
	if !utf8.ValidString(name) || strings.TrimSpace(name) == "" {
		return "document"
	}
	if utf8.RuneCountInString(name) > 120 {
		name = string([]rune(name)[:120])
	}
	return name
}

// pdfText parses a PDF, refuses one that carries scripts, and returns its
// text. The parser is not ours and PDF files are hostile input, so a panic
// in it is turned into a refusal.
func pdfText(name string, data []byte) (text string, err error) {
	unreadable := Errorf(EINVALID, "Le PDF « %s » est illisible ou endommagé : enregistrez-le de nouveau puis réessayez.", name)
	defer func() {
		if recover() != nil {
			text, err = "", unreadable
		}
	}()
	if hasPDFScript(data) {
		return "", pdfScriptError(name)
	}
	r, err := pdf.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		if strings.Contains(err.Error(), "encrypted") {
			return "", Errorf(EINVALID, "Le PDF « %s » est protégé par un mot de passe : envoyez une version sans protection.", name)
		}
		return "", unreadable
	}
	pages, ok := countPages(r.Trailer().Key("Root").Key("Pages"), 0)
	if !ok || pages == 0 {
		return "", unreadable // a page tree with a cycle would make the parser loop forever
	}
	if pages > maxPages {
		return "", Errorf(EINVALID, "Le PDF « %s » compte plus de %d pages : envoyez un document plus court.", name, maxPages)
	}
	if scriptInGraph(r.Trailer()) {
		return "", pdfScriptError(name)
	}
	if !streamsLexable(r, pages) {
		return "", unreadable
	}
	plain, err := r.GetPlainText()
	if err != nil {
		return "", unreadable
	}
	b, err := io.ReadAll(io.LimitReader(plain, maxExtractedText))
	if err != nil {
		return "", unreadable
	}
	return strings.ToValidUTF8(string(b), ""), nil
}

// maxPages bounds the documents read: a CV or a letter is a few pages.
const maxPages = 100

// countPages counts the leaves of a page tree, refusing one deeper or larger
// than any real document: the bound is what catches a tree whose Kids lead
// back to itself, which the parser does not detect.
func countPages(node pdf.Value, depth int) (int, bool) {
	if depth > 16 {
		return 0, false
	}
	if node.Key("Type").Name() != "Pages" {
		return 1, true
	}
	kids := node.Key("Kids")
	total := 0
	for i := 0; i < kids.Len(); i++ {
		n, ok := countPages(kids.Index(i), depth+1)
		if !ok {
			return 0, false
		}
		total += n
		if total > maxPages {
			return total, true
		}
	}
	return total, true
}

// streamsLexable checks that the content streams and character maps the
// text extraction will read end no string midway: the parser loops forever
// on a hex string left open at the end of a stream.
func streamsLexable(r *pdf.Reader, pages int) bool {
	budget := int64(50 << 20) // decoded bytes read here, at most
	check := func(v pdf.Value) bool {
		if v.Kind() != pdf.Stream {
			return true
		}
		rc := v.Reader()
		defer func() { _ = rc.Close() }() // what was read is all that counts
		b, err := io.ReadAll(io.LimitReader(rc, budget+1))
		budget -= int64(len(b))
		return err == nil && budget >= 0 && stringsClosed(b)
	}
	for i := 1; i <= pages; i++ {
		p := r.Page(i)
		contents := p.V.Key("Contents")
		if contents.Kind() == pdf.Array {
			for j := 0; j < contents.Len(); j++ {
				if !check(contents.Index(j)) {
					return false
				}
			}
		} else if !check(contents) {
			return false
		}
		fonts := p.Resources().Key("Font")
		for _, k := range fonts.Keys() {
			if !check(fonts.Key(k).Key("ToUnicode")) {
				return false
			}
		}
	}
	return true
}

// stringsClosed reports whether every literal and hex string of a content
// stream is closed before its end.
func stringsClosed(b []byte) bool {
	for i := 0; i < len(b); i++ {
		switch b[i] {
		case '%': // a comment, to the end of the line
			for i < len(b) && b[i] != '\n' && b[i] != '\r' {
				i++
			}
		case '(':
			depth := 1
			for i++; depth > 0; i++ {
				if i >= len(b) {
					return false
				}
				switch b[i] {
				case '\\':
					i++
				case '(':
					depth++
				case ')':
					depth--
				}
			}
			i--
		case '<':
			if i+1 < len(b) && b[i+1] == '<' {
				i++ // a dictionary
				continue
			}
			end := bytes.IndexByte(b[i:], '>')
			if end < 0 {
				return false
			}
			i += end
		}
	}
	return true
}

func pdfScriptError(name string) error {
	return Errorf(EINVALID, "Le PDF « %s » contient du JavaScript, que nous refusons pour la sécurité des recruteurs : enregistrez-le de nouveau avec « Imprimer en PDF » puis réessayez.", name)
}

// pdfScriptAction is a JavaScript action written in the clear. A looser
// raw search ("/JavaScript") would refuse the CV of every web developer whose
// text streams are not compressed.
var pdfScriptAction = regexp.MustCompile(`/S\s*/JavaScript\b`)

// hasPDFScript looks for a script action in the raw bytes: cheap, and it
// sees objects that the graph walk below cannot reach.
func hasPDFScript(data []byte) bool {
	return pdfScriptAction.Match(data)
}

// scriptInGraph walks the parsed object graph from the trailer, which also
// sees inside object streams, for a JavaScript action. The walk is bounded
// since the graph may have cycles the reader does not expose.
func scriptInGraph(root pdf.Value) bool {
	budget := 20000
	var walk func(v pdf.Value, depth int) bool
	walk = func(v pdf.Value, depth int) bool {
		budget--
		if budget < 0 || depth > 12 {
			return false
		}
		switch v.Kind() {
		case pdf.Dict, pdf.Stream:
			for _, k := range v.Keys() {
				if k == "JS" || (k == "S" && v.Key(k).Name() == "JavaScript") {
					return true
				}
				if k == "Parent" || k == "P" {
					continue // back links only lead to what the walk has seen
				}
				if walk(v.Key(k), depth+1) {
					return true
				}
			}
		case pdf.Array:
			for i := 0; i < v.Len(); i++ {
				if walk(v.Index(i), depth+1) {
					return true
				}
			}
		}
		return false
	}
	return walk(root, 0)
}

// officeText reads an ODT or DOCX document (both are zip archives) and
// returns its type and text.
func officeText(name string, data []byte) (string, string, error) {
	notOffice := Errorf(EINVALID, "Le fichier « %s » n'est pas un PDF, ni un document ODT ou DOCX : son contenu ne correspond pas à ces formats.", name)
	z, err := zip.NewReader(bytes.NewReader(data), int64(len(data)))
	if err != nil {
		return "", "", notOffice
	}
	var typ, part string
	for _, f := range z.File {
		switch f.Name {
		case "mimetype":
			if b, err := readZipFile(f, 200); err == nil && strings.TrimSpace(string(b)) == TypeODT {
				typ, part = TypeODT, "content.xml"
			}
		case "word/document.xml":
			typ, part = TypeDOCX, f.Name
		}
	}
	if typ == "" {
		return "", "", notOffice
	}
	for _, f := range z.File {
		if f.Name == part {
			b, err := readZipFile(f, 20<<20)
			if err != nil {
				return "", "", Errorf(EINVALID, "Le document « %s » est illisible ou endommagé.", name)
			}
			return typ, xmlText(b), nil
		}
	}
	return "", "", Errorf(EINVALID, "Le document « %s » est illisible ou endommagé.", name)
}

// readZipFile reads at most limit bytes of an entry, so that a zip bomb
// stops early.
func readZipFile(f *zip.File, limit int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer func() { _ = rc.Close() }() // what was read is all that counts
	b, err := io.ReadAll(io.LimitReader(rc, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, fmt.Errorf("zip entry %s over %d bytes", f.Name, limit)
	}
	return b, nil
}

// xmlText returns the character data of a word-processing XML part, with a
// space between paragraphs.
func xmlText(b []byte) string {
	dec := xml.NewDecoder(bytes.NewReader(b))
	var sb strings.Builder
	for sb.Len() < maxExtractedText {
		tok, err := dec.Token()
		if err != nil {
			break
		}
		switch t := tok.(type) {
		case xml.CharData:
			sb.Write(t)
		case xml.EndElement:
			if t.Name.Local == "p" || t.Name.Local == "h" || t.Name.Local == "tab" || t.Name.Local == "br" {
				sb.WriteByte(' ')
			}
		}
	}
	return strings.Join(strings.Fields(sb.String()), " ")
}
