package vivier

import "context"

// Domaines lists the RMFP domaines fonctionnels by label.
func (s *Store) Domaines(ctx context.Context) ([]Domaine, error) {
	var out []Domaine
	err := s.db.SelectContext(ctx, &out, `SELECT code, label FROM domaines_fonctionnels ORDER BY label`)
	return out, wrap("Domaines", err)
}

// Departements lists the départements by code.
func (s *Store) Departements(ctx context.Context) ([]Departement, error) {
	var out []Departement
	err := s.db.SelectContext(ctx, &out, `SELECT code, name, region_code FROM departements ORDER BY code`)
	return out, wrap("Departements", err)
}

// Regions lists the régions by name.
func (s *Store) Regions(ctx context.Context) ([]Region, error) {
	var out []Region
	err := s.db.SelectContext(ctx, &out, `SELECT code, name FROM regions ORDER BY name`)
	return out, wrap("Regions", err)
}
