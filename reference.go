package vivier

// Domaine is a domaine fonctionnel of the RMFP v2.
type Domaine struct {
	Code  string `db:"code"`
	Label string `db:"label"`
}

// Departement is a French département, with its région.
type Departement struct {
	Code       string `db:"code"`
	Name       string `db:"name"`
	RegionCode string `db:"region_code"`
}

// Region is a French région.
type Region struct {
	Code string `db:"code"`
	Name string `db:"name"`
}
