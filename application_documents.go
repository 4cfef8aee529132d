package vivier

import (
	"bytes"
	"fmt"
	"image"
	"regexp"
	"strconv"
	"strings"
)

// The documents an offer asks for ("pièces demandées"): each line of its
// criteria's documents_requis is one document, written
//
//	Copie du diplôme
//	Photo d'identité (facultatif) [image]
//	Attestation de l'employeur [PDF, ODT-DOCX]
//
// A line without "(facultatif)" is required; a line without brackets
// accepts PDF and images, which is how the lines written before these
// suffixes existed keep working. The database reads a line with the same
// rules (offer_document_label, offer_document_optional in migration 00030)
// for its "incomplete file" condition.

// DocumentType is a family of formats a document may be sent in.
type DocumentType string

const (
	DocPDF    DocumentType = "pdf"
	DocImage  DocumentType = "image"  // JPEG, PNG or WebP, re-encoded
	DocOffice DocumentType = "office" // ODT or DOCX
)

// documentTypeWords are the words a line's brackets may use.
var documentTypeWords = map[string]DocumentType{
	"pdf": DocPDF, "image": DocImage, "images": DocImage, "photo": DocImage, "jpeg": DocImage, "jpg": DocImage, "png": DocImage,
	"odt-docx": DocOffice, "odt": DocOffice, "docx": DocOffice, "odt/docx": DocOffice, "bureautique": DocOffice, "texte": DocOffice,
}

// DefaultDocumentTypes are what a document accepts when its line says nothing.
var DefaultDocumentTypes = []DocumentType{DocPDF, DocImage}

// OfferDocument is one document an offer asks for, or that a recruiter asks
// for later.
type OfferDocument struct {
	Label    string
	Optional bool
	Types    []DocumentType
}

var (
	documentSuffixes = regexp.MustCompile(`(?i)(\s*(\[[^\]]*\]|\(facultatif\)))+\s*$`)
	documentOptional = regexp.MustCompile(`(?i)\(facultatif\)(\s*\[[^\]]*\])*\s*$`)
	documentBrackets = regexp.MustCompile(`\[([^\]]*)\]`)
)

// ParseOfferDocument reads one line; unknown words in the brackets are an
// error with a French message, so that the offer form can say which.
func ParseOfferDocument(line string) (OfferDocument, error) {
	line = strings.TrimSpace(line)
	suffix := documentSuffixes.FindString(line)
	d := OfferDocument{Label: strings.TrimSpace(strings.TrimSuffix(line, suffix)), Optional: documentOptional.MatchString(line)}
	seen := map[DocumentType]bool{}
	for _, m := range documentBrackets.FindAllStringSubmatch(suffix, -1) {
		for _, w := range strings.FieldsFunc(strings.ToLower(m[1]), func(r rune) bool { return r == ',' || r == ';' || r == ' ' }) {
			t, ok := documentTypeWords[w]
			if !ok {
				return d, Errorf(EINVALID, "Pièce « %s » : le format « %s » est inconnu (écrivez PDF, image ou ODT-DOCX entre crochets).", d.Label, w)
			}
			if !seen[t] {
				seen[t] = true
				d.Types = append(d.Types, t)
			}
		}
	}
	if d.Label == "" {
		return d, Errorf(EINVALID, "Une pièce demandée n'a pas de nom : écrivez-le avant les crochets.")
	}
	if len(d.Types) == 0 {
		d.Types = DefaultDocumentTypes
	}
	return d, nil
}

// Documents returns the documents the criteria ask for, in their order; a
// line that does not read is left out (the offer form refuses one).
func (c Criteria) Documents() []OfferDocument {
	var out []OfferDocument
	for _, line := range c.RequiredDocuments {
		if d, err := ParseOfferDocument(line); err == nil {
			out = append(out, d)
		}
	}
	return out
}

// checkDocumentLines is the offer form's check of the lines.
func checkDocumentLines(lines []string) error {
	for _, line := range lines {
		if _, err := ParseOfferDocument(line); err != nil {
			return FieldError("documents_requis", ErrorMessage(err))
		}
	}
	return nil
}

// Accepts says whether the document accepts a type.
func (d OfferDocument) Accepts(t DocumentType) bool {
	for _, x := range d.Types {
		if x == t {
			return true
		}
	}
	return false
}

// TypesText names the accepted formats, for the form's hint and messages.
func (d OfferDocument) TypesText() string {
	var words []string
	for _, t := range d.Types {
		words = append(words, map[DocumentType]string{DocPDF: "PDF", DocImage: "image (JPEG, PNG ou WebP)", DocOffice: "ODT ou DOCX"}[t])
	}
	if len(words) == 1 {
		return words[0]
	}
	return strings.Join(words[:len(words)-1], ", ") + " ou " + words[len(words)-1]
}

// Accept is the file input's accept attribute: a hint for the browser's
// picker only, the content decides.
func (d OfferDocument) Accept() string {
	var parts []string
	for _, t := range d.Types {
		parts = append(parts, map[DocumentType]string{DocPDF: ".pdf,application/pdf", DocImage: "image/jpeg,image/png,image/webp",
			DocOffice: ".odt,.docx"}[t])
	}
	return strings.Join(parts, ",")
}

// MissingMessage is the apply form's refusal of a required document not sent.
func (d OfferDocument) MissingMessage() string {
	return fmt.Sprintf("Joignez « %s » (%s).", d.Label, d.TypesText())
}

// Line writes the document back as a line of documents_requis.
func (d OfferDocument) Line() string {
	s := d.Label
	if d.Optional {
		s += " (facultatif)"
	}
	var words []string
	for _, t := range d.Types {
		words = append(words, map[DocumentType]string{DocPDF: "PDF", DocImage: "image", DocOffice: "ODT-DOCX"}[t])
	}
	return s + " [" + strings.Join(words, ", ") + "]"
}

// Piece is a document sent with an application or added later, once
// checked, with the label of the document it answers.
type Piece struct {
	Label  string
	Upload *Upload
}

// PieceField is the apply form's field of an offer's i-th document.
func PieceField(i int) string { return "piece_" + strconv.Itoa(i) }

// CheckPiece checks a file sent for a document by its content, as CVs are:
// a PDF or an ODT/DOCX document goes through CheckDocument, an image is
// decoded and re-encoded (which drops its metadata). A format the document
// does not accept is refused with a message naming the document.
func CheckPiece(d OfferDocument, name string, data []byte, maxSize int64) (*Upload, error) {
	if len(data) == 0 {
		return nil, Errorf(EINVALID, "Le fichier « %s » est vide.", name)
	}
	wrong := Errorf(EINVALID, "Le fichier « %s » n'est pas accepté pour « %s » : son contenu n'est pas au format attendu (%s).",
		name, d.Label, d.TypesText())
	switch {
	case bytes.HasPrefix(data, []byte("%PDF-")):
		if !d.Accepts(DocPDF) {
			return nil, wrong
		}
	case bytes.HasPrefix(data, []byte("PK\x03\x04")):
		if !d.Accepts(DocOffice) {
			return nil, wrong
		}
	default:
		if _, _, err := image.DecodeConfig(bytes.NewReader(data)); err != nil || !d.Accepts(DocImage) {
			return nil, wrong
		}
		return pieceImage(name, data)
	}
	doc, err := CheckDocument(name, data, maxSize)
	if err != nil {
		return nil, err
	}
	return &Upload{Document: *doc, Data: data}, nil
}

// pieceImage re-encodes an image sent as a document, keeping it readable
// (a scan of a diploma is read at full width).
func pieceImage(name string, data []byte) (*Upload, error) {
	img, err := ProcessImage(bytes.NewReader(data), 2*ImageWidth)
	if err != nil {
		return nil, Errorf(EINVALID, "L'image « %s » : %s", name, ErrorMessage(err))
	}
	base := cleanFileName(name)
	if i := strings.LastIndexByte(base, '.'); i > 0 {
		base = base[:i]
	}
	return &Upload{Document: Document{Name: base + "." + img.Ext(), ContentType: img.ContentType, Size: int64(len(img.Data)),
		SHA256: img.SHA256}, Data: img.Data}, nil
}

// checkPieces is the apply form's check of the offer's documents: each
// required one missing gets its own message on its own field.
func (s *Submission) checkPieces(o *Offer) FormErrors {
	if o == nil {
		s.Pieces = nil
		return nil
	}
	var errs FormErrors
	sent := map[string]bool{}
	for _, p := range s.Pieces {
		sent[strings.ToLower(p.Label)] = true
	}
	for i, d := range o.Criteria.V.Documents() {
		if !d.Optional && !sent[strings.ToLower(d.Label)] {
			errs = append(errs, FieldError(PieceField(i), d.MissingMessage()))
		}
	}
	return errs
}
