package vivier

import (
	"context"
	"strconv"
	"strings"
	"time"
)

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
	// Lieux: the communes where the exams take place, separated by ";",
	// each as "Nom (dép.)", a postal code or a code INSEE.
	if v := get("Lieux"); v != "" {
		o.Locations = nil
		for _, typed := range strings.Split(v, ";") {
			if typed = strings.TrimSpace(typed); typed == "" {
				continue
			}
			c, err := resolveCommune(ctx, s.db, "lieux", typed)
			if err != nil {
				if ErrorCode(err) == EINVALID {
					return nil, false, Errorf(EINVALID, "« Lieux » : %s", ErrorMessage(err))
				}
				return nil, false, err
			}
			o.Locations = append(o.Locations, Location{Country: "FRA", Commune: c.Code, Label: c.Name,
				Departement: c.Departement, Region: c.Region})
		}
	}
	return o, created, nil
}
