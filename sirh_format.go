package vivier

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
)

// The three formats of a batch file. Each is written row by row as the rows
// come from PostgreSQL, so that a batch of any size takes the same memory,
// and each depends only on the batch and its records: writing a batch again
// gives the same bytes, which its checksum proves.

// SIRHHire is one export record, as written in a batch file.
type SIRHHire struct {
	ID             int64                 `db:"id"`
	ApplicationID  int64                 `db:"application_id"`
	HiredAt        time.Time             `db:"hired_at"`
	Civility       string                `db:"civility"`
	FirstName      string                `db:"first_name"`
	LastName       string                `db:"last_name"`
	Email          string                `db:"email"`
	Phone          string                `db:"phone"`
	OfferReference string                `db:"offer_reference"`
	Post           string                `db:"post"`
	SIRET          string                `db:"siret"`
	Nature         string                `db:"nature"`
	Categorie      string                `db:"categorie"`
	StartDate      *time.Time            `db:"start_date"`
	Documents      JSONB[[]SIRHDocument] `db:"documents"`
}

// SIRHDocument is a reference to a file the candidate sent: where an agent
// downloads it in the back-office, and its digest to check the copy.
type SIRHDocument struct {
	Type   string `json:"type"` // cv, lettre
	Name   string `json:"nom"`
	MIME   string `json:"type_mime"`
	Size   int64  `json:"taille"`
	SHA256 string `json:"sha256"`
	Ref    string `json:"reference"`
}

type sirhEncoder interface {
	row(h *SIRHHire) error
	end() error
}

func newSIRHEncoder(w io.Writer, b *SIRHBatch) (sirhEncoder, error) {
	loc := Paris()
	switch b.Format {
	case SIRHCSV:
		return newCSVEncoder(w, b, loc)
	case SIRHJSONLines:
		return &jsonlEncoder{enc: json.NewEncoder(w), b: b, loc: loc}, nil
	case SIRHHROpen:
		return newHROpenEncoder(w, b, loc)
	}
	return nil, fmt.Errorf("sirh: unknown format %q", b.Format)
}

// SIRHCSVColumns are the CSV file's columns, in order (README).
var SIRHCSVColumns = []string{"Format", "Lot", "Numéro d'export", "Numéro de candidature", "Civilité", "Prénom", "Nom",
	"Adresse électronique", "Téléphone", "Référence de l'offre", "Poste", "SIRET", "Nature", "Catégorie",
	"Date de prise de poste", "Date de recrutement", "Pièces"}

type csvEncoder struct {
	w   *csv.Writer
	b   *SIRHBatch
	loc *time.Location
	rec []string
}

func newCSVEncoder(w io.Writer, b *SIRHBatch, loc *time.Location) (*csvEncoder, error) {
	// The byte order mark tells spreadsheets the file is UTF-8; ";" and
	// CRLF are what they expect in France.
	if _, err := io.WriteString(w, "\ufeff"); err != nil {
		return nil, err
	}
	e := &csvEncoder{w: csv.NewWriter(w), b: b, loc: loc, rec: make([]string, len(SIRHCSVColumns))}
	e.w.Comma, e.w.UseCRLF = ';', true
	return e, e.w.Write(SIRHCSVColumns)
}

func (e *csvEncoder) row(h *SIRHHire) error {
	start := ""
	if h.StartDate != nil {
		start = h.StartDate.Format("02/01/2006")
	}
	docs := make([]string, 0, len(h.Documents.V))
	for _, d := range h.Documents.V {
		docs = append(docs, d.Type+" : "+d.Name+" ("+d.Ref+", sha256 "+d.SHA256+")")
	}
	r := e.rec
	r[0], r[1], r[2], r[3] = SIRHFormatVersions[SIRHCSV], strconv.FormatInt(e.b.ID, 10), strconv.FormatInt(h.ID, 10), strconv.FormatInt(h.ApplicationID, 10)
	r[4], r[5], r[6], r[7], r[8] = h.Civility, sheetCell(h.FirstName), sheetCell(h.LastName), sheetCell(h.Email), sheetCell(h.Phone)
	r[9], r[10], r[11], r[12], r[13] = sheetCell(h.OfferReference), sheetCell(h.Post), h.SIRET, h.Nature, h.Categorie
	r[14], r[15], r[16] = start, h.HiredAt.In(e.loc).Format("02/01/2006"), sheetCell(strings.Join(docs, " | "))
	return e.w.Write(r)
}

func (e *csvEncoder) end() error { e.w.Flush(); return e.w.Error() }

// sheetCell defuses what a spreadsheet would run as a formula: candidates
// type their own names.
func sheetCell(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// jsonHire is a record in JSON Lines: French field names, like the CSV.
type jsonHire struct {
	Format         string         `json:"format"`
	Batch          int64          `json:"lot"`
	ID             int64          `json:"export"`
	ApplicationID  int64          `json:"candidature"`
	Civility       string         `json:"civilite"`
	FirstName      string         `json:"prenom"`
	LastName       string         `json:"nom"`
	Email          string         `json:"courriel"`
	Phone          string         `json:"telephone"`
	OfferReference string         `json:"reference_offre"`
	Post           string         `json:"poste"`
	SIRET          string         `json:"siret"`
	Nature         string         `json:"nature"`
	Categorie      string         `json:"categorie"`
	StartDate      string         `json:"date_prise_de_poste,omitempty"`
	HiredAt        string         `json:"date_recrutement"`
	Documents      []SIRHDocument `json:"pieces"`
}

type jsonlEncoder struct {
	enc *json.Encoder
	b   *SIRHBatch
	loc *time.Location
}

func (e *jsonlEncoder) row(h *SIRHHire) error {
	j := jsonHire{Format: SIRHFormatVersions[SIRHJSONLines], Batch: e.b.ID, ID: h.ID, ApplicationID: h.ApplicationID,
		Civility: h.Civility, FirstName: h.FirstName, LastName: h.LastName, Email: h.Email, Phone: h.Phone,
		OfferReference: h.OfferReference, Post: h.Post, SIRET: h.SIRET, Nature: h.Nature, Categorie: h.Categorie,
		HiredAt: h.HiredAt.In(e.loc).Format(time.RFC3339), Documents: docsOrEmpty(h.Documents.V)}
	if h.StartDate != nil {
		j.StartDate = h.StartDate.Format(time.DateOnly)
	}
	return e.enc.Encode(j) // one object, then "\n"
}

func (e *jsonlEncoder) end() error { return nil }

func docsOrEmpty(d []SIRHDocument) []SIRHDocument {
	if d == nil {
		return []SIRHDocument{}
	}
	return d
}

// The HR Open Standards shape: identifiers as {"value", "schemeId"}, a
// person's name as given/family/formattedName, communication as lists of
// email addresses and phone numbers, attachments with their file name,
// media type and digest. Where the standard has no field for a French
// public-service notion (nature, catégorie), a "vivier" extension holds it.
type hrID struct {
	Value    string `json:"value"`
	SchemeID string `json:"schemeId,omitempty"`
}

type hrNewHire struct {
	ID            hrID `json:"id"`
	ApplicationID hrID `json:"applicationId"`
	Person        struct {
		Name struct {
			Prefix        string `json:"prefix,omitempty"`
			Given         string `json:"given"`
			Family        string `json:"family"`
			FormattedName string `json:"formattedName"`
		} `json:"name"`
		Communication struct {
			Email []hrEmail `json:"email"`
			Phone []hrPhone `json:"phone"`
		} `json:"communication"`
	} `json:"person"`
	Employer struct {
		LegalID hrID `json:"legalId"`
	} `json:"employer"`
	Position struct {
		ID    hrID   `json:"id"`
		Title string `json:"title"`
	} `json:"position"`
	HireDate    string         `json:"hireDate"`
	StartDate   string         `json:"startDate,omitempty"`
	Attachments []hrAttachment `json:"attachments"`
	Vivier      struct {
		Nature    string `json:"nature"`
		Categorie string `json:"categorie"`
	} `json:"vivier"`
}

type hrEmail struct {
	Address string `json:"address"`
}

type hrPhone struct {
	FormattedNumber string `json:"formattedNumber"`
}

type hrAttachment struct {
	ID       hrID   `json:"id"`
	URL      string `json:"url"`
	FileName string `json:"fileName"`
	MimeType string `json:"mimeType"`
	FileSize int64  `json:"fileSize"`
	Digest   hrID   `json:"digest"`
	Type     string `json:"documentType"`
}

type hrOpenEncoder struct {
	w     io.Writer
	enc   *json.Encoder
	loc   *time.Location
	first bool
}

func newHROpenEncoder(w io.Writer, b *SIRHBatch, loc *time.Location) (*hrOpenEncoder, error) {
	head, err := json.Marshal(struct {
		Format   string `json:"format"`
		Document hrID   `json:"documentId"`
		DateTime string `json:"documentDateTime"`
	}{SIRHFormatVersions[SIRHHROpen], hrID{Value: "lot-" + strconv.FormatInt(b.ID, 10), SchemeID: "vivier"}, b.CreatedAt.In(loc).Format(time.RFC3339)})
	if err != nil {
		return nil, err
	}
	// The document is written open, the hires streamed into its array.
	if _, err := io.WriteString(w, string(head[:len(head)-1])+`,"newHires":[`); err != nil {
		return nil, err
	}
	return &hrOpenEncoder{w: w, enc: json.NewEncoder(w), loc: loc, first: true}, nil
}

func (e *hrOpenEncoder) row(h *SIRHHire) error {
	var n hrNewHire
	n.ID = hrID{Value: strconv.FormatInt(h.ID, 10), SchemeID: "vivier-export"}
	n.ApplicationID = hrID{Value: strconv.FormatInt(h.ApplicationID, 10), SchemeID: "vivier-candidature"}
	switch h.Civility {
	case "madame":
		n.Person.Name.Prefix = "Madame"
	case "monsieur":
		n.Person.Name.Prefix = "Monsieur"
	}
	n.Person.Name.Given, n.Person.Name.Family = h.FirstName, h.LastName
	n.Person.Name.FormattedName = strings.TrimSpace(h.FirstName + " " + h.LastName)
	n.Person.Communication.Email, n.Person.Communication.Phone = []hrEmail{}, []hrPhone{}
	if h.Email != "" {
		n.Person.Communication.Email = []hrEmail{{h.Email}}
	}
	if h.Phone != "" {
		n.Person.Communication.Phone = []hrPhone{{h.Phone}}
	}
	n.Employer.LegalID = hrID{Value: h.SIRET, SchemeID: "SIRET"}
	n.Position.ID, n.Position.Title = hrID{Value: h.OfferReference, SchemeID: "vivier-offre"}, h.Post
	n.HireDate = h.HiredAt.In(e.loc).Format(time.RFC3339)
	if h.StartDate != nil {
		n.StartDate = h.StartDate.Format(time.DateOnly)
	}
	n.Attachments = []hrAttachment{}
	for _, d := range h.Documents.V {
		n.Attachments = append(n.Attachments, hrAttachment{ID: hrID{Value: d.Ref}, URL: d.Ref, FileName: d.Name, MimeType: d.MIME,
			FileSize: d.Size, Digest: hrID{Value: d.SHA256, SchemeID: "SHA-256"}, Type: d.Type})
	}
	n.Vivier.Nature, n.Vivier.Categorie = h.Nature, h.Categorie
	if !e.first {
		if _, err := io.WriteString(e.w, ","); err != nil {
			return err
		}
	}
	e.first = false
	return e.enc.Encode(n)
}

func (e *hrOpenEncoder) end() error {
	_, err := io.WriteString(e.w, "]}\n")
	return err
}
