package vivier

import (
	"regexp"
	"strings"
	"time"
)

// Versant is the branch of the French public service an employer belongs to.
type Versant string

const (
	VersantEtat         Versant = "etat"         // fonction publique de l'État (FPE)
	VersantTerritoriale Versant = "territoriale" // fonction publique territoriale (FPT)
	VersantHospitaliere Versant = "hospitaliere" // fonction publique hospitalière (FPH)
)

// Label returns the French label of the versant.
func (v Versant) Label() string {
	switch v {
	case VersantEtat:
		return "Fonction publique de l'État"
	case VersantTerritoriale:
		return "Fonction publique territoriale"
	case VersantHospitaliere:
		return "Fonction publique hospitalière"
	}
	return string(v)
}

// Administration is an employer: a ministry, one of its directions, a city, a
// hospital. Administrations form a tree through ParentID; everything an agent
// sees in the back-office belongs to one of them (the tenant).
type Administration struct {
	ID           int64     `db:"id"`
	ParentID     *int64    `db:"parent_id"`
	Slug         string    `db:"slug"`
	Name         string    `db:"name"`
	ShortName    string    `db:"short_name"`
	Versant      Versant   `db:"versant"`
	SIRET        *string   `db:"siret"`
	ContactEmail string    `db:"contact_email"`
	LogoPath     string    `db:"logo_path"`
	Status       string    `db:"status"`
	CreatedAt    time.Time `db:"created_at"`
	UpdatedAt    time.Time `db:"updated_at"`
}

var slugRE = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// Validate checks the rules of an administration before it is stored.
func (a *Administration) Validate() error {
	a.Name = strings.TrimSpace(a.Name)
	a.ShortName = strings.TrimSpace(a.ShortName)
	switch {
	case a.Name == "" || len([]rune(a.Name)) > 200:
		return FieldError("name", "Le nom est obligatoire (200 caractères au plus).")
	case len([]rune(a.ShortName)) > 40:
		return FieldError("short_name", "Le nom court fait 40 caractères au plus.")
	case !slugRE.MatchString(a.Slug) || len(a.Slug) > 80:
		return FieldError("slug", "L'identifiant d'URL ne contient que des lettres minuscules sans accent, des chiffres et des tirets.")
	case a.Versant != VersantEtat && a.Versant != VersantTerritoriale && a.Versant != VersantHospitaliere:
		return FieldError("versant", "Le versant doit être État, territoriale ou hospitalière.")
	}
	if a.SIRET != nil {
		s, err := ParseSIRET(*a.SIRET)
		if err != nil {
			return err
		}
		a.SIRET = &s
	}
	if a.Status == "" {
		a.Status = "active"
	}
	return nil
}

const administrationColumns = `id, parent_id, slug, name, short_name, versant, siret, contact_email,
	logo_path, status, created_at, updated_at`

func slugTaken(err error) error {
	if ErrorCode(wrap("", err)) == ECONFLICT {
		return FieldError("slug", "Cet identifiant d'URL (ou ce SIRET) est déjà utilisé par une autre administration.")
	}
	return err
}
