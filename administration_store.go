package vivier

import (
	"context"
	"strings"

	"github.com/jmoiron/sqlx"
)

// ReserveSlugs sets the slugs no new administration may take: the path
// segments where a slug would hide a route or be hidden by it
// (/admin/{slug}, /employeurs/{slug}). The web app derives them from its
// route table at start-up, before it serves; they replace any set before.
func (s *Store) ReserveSlugs(slugs []string) {
	s.reservedSlugs = make(map[string]bool, len(slugs))
	for _, slug := range slugs {
		s.reservedSlugs[slug] = true
	}
}

// validateNew checks an administration about to be created: its rules, and
// a slug that no route uses.
func (s *Store) validateNew(a *Administration) error {
	if err := a.Validate(); err != nil {
		return err
	}
	if s.reservedSlugs[a.Slug] {
		return FieldError("slug", "Cet identifiant d'URL est réservé : choisissez-en un autre.")
	}
	return nil
}

// UpsertAdministration creates the administration, or updates the one with
// the same slug, and returns it with its id.
func (s *Store) UpsertAdministration(ctx context.Context, a *Administration) error {
	if err := s.validateNew(a); err != nil {
		return err
	}
	return s.inTx(ctx, "UpsertAdministration", func(tx *sqlx.Tx) error {
		return tx.GetContext(ctx, a, `
			INSERT INTO administrations (parent_id, slug, name, short_name, versant, siret, contact_email, status)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
			ON CONFLICT (slug) DO UPDATE SET parent_id = EXCLUDED.parent_id, name = EXCLUDED.name,
				short_name = EXCLUDED.short_name, versant = EXCLUDED.versant, siret = EXCLUDED.siret,
				contact_email = EXCLUDED.contact_email, status = EXCLUDED.status, updated_at = now()
			RETURNING `+administrationColumns,
			a.ParentID, a.Slug, a.Name, a.ShortName, a.Versant, a.SIRET, a.ContactEmail, a.Status)
	})
}

// AdministrationBySlug returns the administration with that slug.
func (s *Store) AdministrationBySlug(ctx context.Context, slug string) (*Administration, error) {
	var a Administration
	err := s.db.GetContext(ctx, &a, `SELECT `+administrationColumns+` FROM administrations WHERE slug = $1`, slug)
	if err != nil {
		return nil, wrap("AdministrationBySlug", err)
	}
	return &a, nil
}

// CountAdministrations returns how many administrations exist.
func (s *Store) CountAdministrations(ctx context.Context) (int, error) {
	var n int
	err := s.db.GetContext(ctx, &n, `SELECT count(*) FROM administrations`)
	return n, wrap("CountAdministrations", err)
}

// AdministrationByID returns the administration with that id.
func (s *Store) AdministrationByID(ctx context.Context, id int64) (*Administration, error) {
	var a Administration
	err := s.db.GetContext(ctx, &a, `SELECT `+administrationColumns+` FROM administrations WHERE id = $1`, id)
	if err != nil {
		return nil, wrap("AdministrationByID", err)
	}
	return &a, nil
}

// ChildAdministrations returns the direct children of an administration.
func (s *Store) ChildAdministrations(ctx context.Context, parentID int64) ([]Administration, error) {
	var out []Administration
	err := s.db.SelectContext(ctx, &out, `SELECT `+administrationColumns+`
		FROM administrations WHERE parent_id = $1 ORDER BY name`, parentID)
	return out, wrap("ChildAdministrations", err)
}

// AllAdministrations returns every administration, for platform administrators.
func (s *Store) AllAdministrations(ctx context.Context) ([]Administration, error) {
	var out []Administration
	err := s.db.SelectContext(ctx, &out, `SELECT `+administrationColumns+` FROM administrations ORDER BY name`)
	return out, wrap("AllAdministrations", err)
}

// CreateAdministration creates an administration (a child when ParentID is
// set) and logs it.
func (s *Store) CreateAdministration(ctx context.Context, a *Administration, actor Actor) error {
	if err := s.validateNew(a); err != nil {
		return err
	}
	return s.inTx(ctx, "CreateAdministration", func(tx *sqlx.Tx) error {
		err := tx.GetContext(ctx, a, `
			INSERT INTO administrations (parent_id, slug, name, short_name, versant, siret, contact_email, status)
			VALUES ($1, $2, $3, $4, $5, $6, $7, 'active')
			RETURNING `+administrationColumns,
			a.ParentID, a.Slug, a.Name, a.ShortName, a.Versant, a.SIRET, a.ContactEmail)
		if err != nil {
			return slugTaken(err)
		}
		logTo := a.ID
		if a.ParentID != nil {
			logTo = *a.ParentID // the parent's administrators see the creation
		}
		return insertAudit(ctx, tx, &logTo, actor, "administration.created", a.Slug, map[string]string{"nom": a.Name})
	})
}

// UpdateAdministration renames an administration and edits its contact
// details; the slug and the parent do not change.
func (s *Store) UpdateAdministration(ctx context.Context, id int64, name, shortName, contactEmail string, actor Actor) (*Administration, error) {
	var out Administration
	err := s.inTx(ctx, "UpdateAdministration", func(tx *sqlx.Tx) error {
		var before Administration
		if err := tx.GetContext(ctx, &before, `SELECT `+administrationColumns+` FROM administrations WHERE id = $1 FOR UPDATE`, id); err != nil {
			return err
		}
		after := before
		after.Name, after.ShortName, after.ContactEmail = name, shortName, strings.TrimSpace(contactEmail)
		if err := after.Validate(); err != nil {
			return err
		}
		if err := tx.GetContext(ctx, &out, `
			UPDATE administrations SET name = $2, short_name = $3, contact_email = $4, updated_at = now()
			WHERE id = $1 RETURNING `+administrationColumns, id, after.Name, after.ShortName, after.ContactEmail); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &id, actor, "administration.updated", before.Slug, map[string]any{
			"avant": map[string]string{"nom": before.Name, "nom_court": before.ShortName, "contact": before.ContactEmail},
			"après": map[string]string{"nom": out.Name, "nom_court": out.ShortName, "contact": out.ContactEmail},
		})
	})
	if err != nil {
		return nil, err
	}
	return &out, nil
}

// SetChildStatus suspends or reactivates a child of parentID. The parent in
// the WHERE clause keeps an administrator to their own subtree.
func (s *Store) SetChildStatus(ctx context.Context, parentID, childID int64, status string, actor Actor) error {
	if status != "active" && status != "suspended" {
		return FieldError("status", "Statut inconnu.")
	}
	return s.inTx(ctx, "SetChildStatus", func(tx *sqlx.Tx) error {
		var slug string
		if err := tx.GetContext(ctx, &slug, `
			UPDATE administrations SET status = $3, updated_at = now()
			WHERE id = $2 AND parent_id = $1 RETURNING slug`, parentID, childID, status); err != nil {
			return err
		}
		action := "administration.suspended"
		if status == "active" {
			action = "administration.reactivated"
		}
		return insertAudit(ctx, tx, &parentID, actor, action, slug, nil)
	})
}
