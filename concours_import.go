package vivier

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
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
	"Versant", "Catégorie", "Lieux"}

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

type csvRow struct {
	line   int
	fields []string
}

// readConcoursCSV checks the file is UTF-8 text in CSV with the required
// columns, and returns its lines with the index of each known column.
func readConcoursCSV(file []byte) ([]csvRow, map[string]int, error) {
	return readCSV(file, ImportColumns[:4])
}

// readCSV reads an imported file: UTF-8 (with or without BOM), ";" between
// fields, a first line of headers among which the required ones.
func readCSV(file []byte, required []string) ([]csvRow, map[string]int, error) {
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
	for _, col := range required {
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
