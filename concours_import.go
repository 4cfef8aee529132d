package vivier

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"
)

// The concours import reads the CSV files that ministries already produce
// for Choisir le Service Public: UTF-8 (with or without BOM), ";" between
// fields, one concours per line, identified by the NOR of its arrêté. A
// known NOR updates that concours; an unknown one creates a draft. Each line
// is saved in its own transaction, so that a bad line is reported by its
// number while the good ones are kept.

// MaxImportLines bounds the lines of one file, so that one upload cannot
// hold a request for minutes.
const MaxImportLines = 5000

// ImportColumns are the columns the import reads; the first four are
// required. Headers are matched without regard to case or accents.
var ImportColumns = []string{"N° NOR", "Corps", "Grade", "Ministère", "Intitulé", "Modalité",
	"Ouverture des inscriptions", "Clôture des inscriptions", "Dates des épreuves", "Nombre de postes",
	"Versant", "Catégorie"}

// ImportLine is the outcome of one line of the file.
type ImportLine struct {
	Line    int    // in the file, the header being line 1
	NOR     string // as read
	OfferID int64  // the concours created or updated
	Title   string
	Reason  string // why the line was rejected, in French
}

// ImportReport lists what the import did, line by line.
type ImportReport struct {
	Created, Updated, Rejected []ImportLine
}

// ImportConcours reads a CSV file of concours into the administration.
// versant is used for new concours when the file has no Versant column. An
// error is returned only for a file that cannot be read at all; line
// errors are in the report.
func (s *Store) ImportConcours(ctx context.Context, adminID int64, versant Versant, file []byte, actor Actor) (*ImportReport, error) {
	rows, header, err := readConcoursCSV(file)
	if err != nil {
		return nil, err
	}
	rep := &ImportReport{}
	for _, r := range rows {
		line := r.line
		get := func(col string) string {
			if i, ok := header[normHeader(col)]; ok && i < len(r.fields) {
				return strings.TrimSpace(r.fields[i])
			}
			return ""
		}
		res := ImportLine{Line: line, NOR: get("N° NOR")}
		o, created, err := s.importLine(ctx, adminID, versant, get)
		if err == nil {
			if created {
				err = s.CreateOffer(ctx, adminID, o, actor)
			} else {
				err = s.UpdateOffer(ctx, adminID, o, actor)
			}
		}
		if err != nil {
			if ErrorCode(err) == EINTERNAL {
				return nil, err
			}
			res.Reason = ErrorMessage(err)
			rep.Rejected = append(rep.Rejected, res)
			continue
		}
		res.OfferID, res.Title = o.ID, o.Title
		if created {
			rep.Created = append(rep.Created, res)
		} else {
			rep.Updated = append(rep.Updated, res)
		}
	}
	return rep, nil
}

type csvRow struct {
	line   int
	fields []string
}

// readConcoursCSV checks the file is UTF-8 text in CSV with the required
// columns, and returns its lines with the index of each known column.
func readConcoursCSV(file []byte) ([]csvRow, map[string]int, error) {
	file = bytes.TrimPrefix(file, []byte("\xEF\xBB\xBF"))
	if !utf8.Valid(file) || bytes.IndexByte(file, 0) >= 0 {
		return nil, nil, FieldError("file", "Le fichier n'est pas un texte en UTF-8 : enregistrez-le au format « CSV UTF-8 » et réessayez.")
	}
	r := csv.NewReader(bytes.NewReader(file))
	r.Comma = ';'
	r.FieldsPerRecord = -1 // a short line is reported, not fatal
	r.ReuseRecord = false
	head, err := r.Read()
	if err == io.EOF {
		return nil, nil, FieldError("file", "Le fichier est vide.")
	}
	if err != nil {
		return nil, nil, csvError(err)
	}
	header := map[string]int{}
	for i, h := range head {
		header[normHeader(h)] = i
	}
	var missing []string
	for _, col := range ImportColumns[:4] {
		if _, ok := header[normHeader(col)]; !ok {
			missing = append(missing, "« "+col+" »")
		}
	}
	if len(missing) > 0 {
		return nil, nil, FieldError("file", "Colonnes obligatoires absentes de la première ligne : "+strings.Join(missing, ", ")+
			". Le séparateur attendu est le point-virgule.")
	}
	var rows []csvRow
	for {
		rec, err := r.Read()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, csvError(err)
		}
		line, _ := r.FieldPos(0)
		if len(rec) == 1 && strings.TrimSpace(rec[0]) == "" {
			continue // a blank line
		}
		if len(rows) == MaxImportLines {
			return nil, nil, FieldError("file", fmt.Sprintf("Le fichier compte plus de %d lignes : découpez-le.", MaxImportLines))
		}
		rows = append(rows, csvRow{line: line, fields: rec})
	}
	return rows, header, nil
}

func csvError(err error) error {
	var pe *csv.ParseError
	if errors.As(err, &pe) {
		return FieldError("file", fmt.Sprintf("Le fichier n'est pas un CSV lisible (ligne %d) : vérifiez les guillemets et le séparateur point-virgule.", pe.Line))
	}
	return FieldError("file", "Le fichier n'est pas un CSV lisible.")
}

// normHeader compares headers without case, accents, spaces or "°".
func normHeader(h string) string {
	return strings.ReplaceAll(Slugify(strings.ReplaceAll(h, "°", "")), "-", "")
}

// importLine builds the concours a line describes: the existing one of that
// NOR, or a new draft.
func (s *Store) importLine(ctx context.Context, adminID int64, versant Versant, get func(string) string) (*Offer, bool, error) {
	nor, err := ParseNOR(get("N° NOR"))
	if err != nil {
		return nil, false, err
	}
	for _, col := range []string{"Corps", "Grade", "Ministère"} {
		if get(col) == "" {
			return nil, false, Errorf(EINVALID, "La colonne « %s » est vide.", col)
		}
	}
	var id int64
	err = s.db.GetContext(ctx, &id, `SELECT id FROM offers WHERE administration_id = $1 AND kind = 'concours'
		AND details ->> 'nor' = $2 ORDER BY id LIMIT 1`, adminID, nor)
	created := ErrorCode(wrap("", err)) == ENOTFOUND
	if err != nil && !created {
		return nil, false, wrap("ImportConcours", err)
	}
	o := &Offer{Kind: KindConcours, Status: OfferDraft, Reference: nor, Versant: versant}
	if !created {
		if o, err = s.OfferByID(ctx, adminID, id); err != nil {
			return nil, false, err
		}
	}
	d := &o.Details.V
	d.NOR, d.Corps, d.Grade, d.Ministry = nor, get("Corps"), get("Grade"), get("Ministère")
	if t := get("Intitulé"); t != "" {
		o.Title = t
	} else if created {
		o.Title = truncate("Concours "+d.Corps+" — "+d.Grade, 150)
	}
	if v := get("Modalité"); v != "" {
		if d.AccessModalities, err = parseModalities(v); err != nil {
			return nil, false, err
		}
	}
	for col, dst := range map[string]**time.Time{"Ouverture des inscriptions": &d.RegistrationOpens, "Clôture des inscriptions": &d.RegistrationCloses} {
		if v := get(col); v != "" {
			t, err := parseImportDate(v)
			if err != nil {
				return nil, false, Errorf(EINVALID, "« %s » : la date « %s » n'a pas la forme JJ/MM/AAAA.", col, v)
			}
			*dst = &t
		}
	}
	if v := get("Dates des épreuves"); v != "" {
		d.ExamDates = v
	}
	if v := get("Nombre de postes"); v != "" {
		n, err := strconv.Atoi(strings.ReplaceAll(v, " ", ""))
		if err != nil || n < 0 {
			return nil, false, Errorf(EINVALID, "« Nombre de postes » : « %s » n'est pas un nombre entier positif.", v)
		}
		d.Posts = n
	}
	if v := get("Versant"); v != "" {
		vs, ok := importVersants[normHeader(v)]
		if !ok {
			return nil, false, Errorf(EINVALID, "« Versant » : « %s » n'est ni FPE, ni FPT, ni FPH.", v)
		}
		o.Versant = vs
	}
	if v := get("Catégorie"); v != "" {
		c, ok := importCategories[strings.ToUpper(strings.ReplaceAll(v, " ", ""))]
		if !ok {
			return nil, false, Errorf(EINVALID, "« Catégorie » : « %s » n'est ni A+, ni A, ni B, ni C.", v)
		}
		o.Categories = []string{c}
	}
	return o, created, nil
}

var importVersants = map[string]Versant{"fpe": VersantEtat, "etat": VersantEtat, "fpt": VersantTerritoriale,
	"territoriale": VersantTerritoriale, "fph": VersantHospitaliere, "hospitaliere": VersantHospitaliere}

var importCategories = map[string]string{"A": "A", "APLUS": "APLUS", "A+": "APLUS", "B": "B", "C": "C",
	"HORSCATÉGORIE": "HORS_CATEGORIE", "HORSCATEGORIE": "HORS_CATEGORIE", "HORS_CATEGORIE": "HORS_CATEGORIE"}

// parseModalities reads modalities separated by "," or "|", as CSPLab's
// codes (EXTERNE) or their French labels (Concours externe).
func parseModalities(v string) ([]string, error) {
	byLabel := map[string]string{}
	for code, label := range AccessModalityLabels {
		byLabel[normHeader(label)] = code
		byLabel[normHeader(code)] = code
	}
	var out []string
	for _, part := range strings.FieldsFunc(v, func(r rune) bool { return r == ',' || r == '|' }) {
		code, ok := byLabel[normHeader(part)]
		if !ok {
			return nil, Errorf(EINVALID, "« Modalité » : « %s » n'est pas une modalité d'accès connue.", strings.TrimSpace(part))
		}
		out = append(out, code)
	}
	return out, nil
}

// parseImportDate reads a day (JJ/MM/AAAA or AAAA-MM-JJ), kept as midnight
// UTC like every date without a time of the blocks.
func parseImportDate(v string) (time.Time, error) {
	for _, layout := range []string{"02/01/2006", "2006-01-02"} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad date %q", v)
}
