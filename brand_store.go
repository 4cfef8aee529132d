package vivier

import (
	"context"
	"time"

	"github.com/jmoiron/sqlx"
	"github.com/lib/pq"
)

// BrandPage returns the administration's page as its editors see it; an
// administration that never wrote one has an empty draft.
func (s *Store) BrandPage(ctx context.Context, adminID int64) (*BrandPage, error) {
	var row struct {
		Draft     JSONB[BrandContent] `db:"draft"`
		UpdatedAt time.Time           `db:"updated_at"`
		Version   *int                `db:"published_version"`
		Unchanged bool                `db:"unchanged"`
	}
	err := s.db.GetContext(ctx, &row, `SELECT p.draft, p.updated_at, p.published_version, coalesce(v.content = p.draft, false) AS unchanged
		FROM brand_pages p LEFT JOIN brand_versions v ON v.administration_id = p.administration_id AND v.version = p.published_version
		WHERE p.administration_id = $1`, adminID)
	if ErrorCode(wrap("", err)) == ENOTFOUND {
		return &BrandPage{AdministrationID: adminID}, nil
	}
	if err != nil {
		return nil, wrap("BrandPage", err)
	}
	p := &BrandPage{AdministrationID: adminID, Draft: row.Draft.V, UpdatedAt: row.UpdatedAt, Unpublished: !row.Unchanged}
	if row.Version != nil {
		p.PublishedVersion = *row.Version
	}
	return p, nil
}

// EditBrandDraft applies edit to the draft, checks the result and saves it,
// with an audit entry (action, target). The row is locked meanwhile, so two
// editors' changes do not overwrite each other.
func (s *Store) EditBrandDraft(ctx context.Context, adminID int64, actor Actor, action, target string, edit func(*BrandContent) error) error {
	return s.inTx(ctx, "EditBrandDraft", func(tx *sqlx.Tx) error {
		draft, err := lockDraft(ctx, tx, adminID)
		if err != nil {
			return err
		}
		if err := edit(&draft); err != nil {
			return err
		}
		if err := draft.Validate(); err != nil {
			return err
		}
		if err := checkImages(ctx, tx, adminID, &draft); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE brand_pages SET draft = $2, updated_at = now() WHERE administration_id = $1`,
			adminID, JSONB[BrandContent]{draft}); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, action, target, nil)
	})
}

// lockDraft returns the draft, creating the page row on first use, locked
// for the transaction.
func lockDraft(ctx context.Context, tx *sqlx.Tx, adminID int64) (BrandContent, error) {
	if _, err := tx.ExecContext(ctx, `INSERT INTO brand_pages (administration_id, draft) VALUES ($1, '{"blocks":[]}')
		ON CONFLICT (administration_id) DO NOTHING`, adminID); err != nil {
		return BrandContent{}, err
	}
	var d JSONB[BrandContent]
	err := tx.GetContext(ctx, &d, `SELECT draft FROM brand_pages WHERE administration_id = $1 FOR UPDATE`, adminID)
	return d.V, err
}

// checkImages makes sure every image the content names belongs to the
// administration: a digest typed into a form cannot borrow another's image.
func checkImages(ctx context.Context, tx *sqlx.Tx, adminID int64, c *BrandContent) error {
	want := map[string]bool{}
	for _, d := range c.Images() {
		want[d] = true
	}
	if len(want) == 0 {
		return nil
	}
	list := make([]string, 0, len(want))
	for d := range want {
		list = append(list, d)
	}
	var n int
	if err := tx.GetContext(ctx, &n, `SELECT count(*) FROM brand_images WHERE administration_id = $1 AND sha256 = ANY($2)`,
		adminID, pq.StringArray(list)); err != nil {
		return err
	}
	if n != len(list) {
		return FieldError("image", "Une image de la page est introuvable : envoyez-la de nouveau.")
	}
	return nil
}

// PublishBrand makes the draft the public page, as a new numbered version.
func (s *Store) PublishBrand(ctx context.Context, adminID int64, actor Actor) (int, error) {
	var version int
	err := s.inTx(ctx, "PublishBrand", func(tx *sqlx.Tx) error {
		draft, err := lockDraft(ctx, tx, adminID)
		if err != nil {
			return err
		}
		if len(draft.Blocks) == 0 {
			return Errorf(EINVALID, "La page est vide : ajoutez au moins un bloc avant de la publier.")
		}
		if draft.Hero() == nil {
			return Errorf(EINVALID, "Ajoutez un bandeau d'accueil avant de publier : son titre et son accroche présentent la page.")
		}
		if err := draft.ValidateForPublication(); err != nil {
			return err
		}
		regions, err := regionsOf(ctx, tx, draft.Departements())
		if err != nil {
			return err
		}
		var agentID *int64
		if actor.AgentID != 0 {
			agentID = &actor.AgentID
		}
		if err := tx.GetContext(ctx, &version, `
			INSERT INTO brand_versions (administration_id, version, content, region_codes, published_by, published_by_email)
			SELECT $1, coalesce(max(version), 0) + 1, $2, $3, $4, $5 FROM brand_versions WHERE administration_id = $1
			RETURNING version`, adminID, JSONB[BrandContent]{draft}, pq.StringArray(regions), agentID, actor.Email); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE brand_pages SET published_version = $2 WHERE administration_id = $1`, adminID, version); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "brand.published", "page employeur", map[string]int{"version": version})
	})
	return version, err
}

func regionsOf(ctx context.Context, tx *sqlx.Tx, deps []string) ([]string, error) {
	regions := []string{}
	if len(deps) == 0 {
		return regions, nil
	}
	err := tx.SelectContext(ctx, &regions, `SELECT DISTINCT region_code FROM departements WHERE code = ANY($1) ORDER BY 1`, pq.StringArray(deps))
	return regions, err
}

// RestoreBrandVersion copies a published version into the draft. The
// public page does not change until the draft is published again: editors
// look at the restored page in the preview first.
func (s *Store) RestoreBrandVersion(ctx context.Context, adminID int64, version int, actor Actor) error {
	return s.inTx(ctx, "RestoreBrandVersion", func(tx *sqlx.Tx) error {
		if _, err := lockDraft(ctx, tx, adminID); err != nil {
			return err
		}
		var c JSONB[BrandContent]
		if err := tx.GetContext(ctx, &c, `SELECT content FROM brand_versions WHERE administration_id = $1 AND version = $2`,
			adminID, version); err != nil {
			return err
		}
		if _, err := tx.ExecContext(ctx, `UPDATE brand_pages SET draft = $2, updated_at = now() WHERE administration_id = $1`, adminID, c); err != nil {
			return err
		}
		return insertAudit(ctx, tx, &adminID, actor, "brand.restored", "page employeur", map[string]int{"version": version})
	})
}

// BrandVersions lists the administration's publications, newest first.
func (s *Store) BrandVersions(ctx context.Context, adminID int64) ([]BrandVersion, error) {
	var out []BrandVersion
	err := s.db.SelectContext(ctx, &out, `SELECT version, content, published_by_email, published_at FROM brand_versions
		WHERE administration_id = $1 ORDER BY version DESC`, adminID)
	return out, wrap("BrandVersions", err)
}

// PublishedBrand is the public page of an administration: its latest
// published version.
type PublishedBrand struct {
	Administration
	Version     int                 `db:"version"`
	Content     JSONB[BrandContent] `db:"content"`
	RegionCodes pq.StringArray      `db:"region_codes"`
	PublishedAt time.Time           `db:"published_at"`
}

const publishedBrandQuery = `SELECT a.id, a.parent_id, a.slug, a.name, a.short_name, a.versant, a.siret, a.contact_email,
	a.logo_path, a.status, a.created_at, a.updated_at, v.version, v.content, v.region_codes, v.published_at
	FROM administrations a
	JOIN brand_pages p ON p.administration_id = a.id
	JOIN brand_versions v ON v.administration_id = a.id AND v.version = p.published_version
	WHERE a.status = 'active'`

// PublishedBrandBySlug returns the public page of the administration with
// that slug; ENOTFOUND when it has none (or is suspended).
func (s *Store) PublishedBrandBySlug(ctx context.Context, slug string) (*PublishedBrand, error) {
	var b PublishedBrand
	if err := s.db.GetContext(ctx, &b, publishedBrandQuery+` AND a.slug = $1`, slug); err != nil {
		return nil, wrap("PublishedBrandBySlug", err)
	}
	return &b, nil
}

// PublishedBrands returns every public page, by administration name.
func (s *Store) PublishedBrands(ctx context.Context) ([]PublishedBrand, error) {
	var out []PublishedBrand
	err := s.db.SelectContext(ctx, &out, publishedBrandQuery+` ORDER BY a.name`)
	return out, wrap("PublishedBrands", err)
}

// LeadingBrands returns n published brand pages, the administrations
// before their directions, by name: the few a home page shows.
func (s *Store) LeadingBrands(ctx context.Context, n int) ([]PublishedBrand, error) {
	var out []PublishedBrand
	err := s.db.SelectContext(ctx, &out, publishedBrandQuery+` ORDER BY a.parent_id IS NOT NULL, a.name LIMIT $1`, n)
	return out, wrap("LeadingBrands", err)
}

// SaveImage stores a processed image of the administration (once: the
// same bytes uploaded twice are one row).
func (s *Store) SaveImage(ctx context.Context, adminID int64, img *Image) error {
	return s.inTx(ctx, "SaveImage", func(tx *sqlx.Tx) error {
		_, err := tx.ExecContext(ctx, `INSERT INTO brand_images (administration_id, sha256, content_type, width, height, data)
			VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (administration_id, sha256) DO NOTHING`,
			adminID, img.SHA256, img.ContentType, img.Width, img.Height, img.Data)
		return err
	})
}

// PublishedBrandImage returns an image that the current published page of
// the administration with that slug shows: the draft's images stay private
// until published, and an image a later version dropped is no longer served.
func (s *Store) PublishedBrandImage(ctx context.Context, slug, digest string) (*Image, error) {
	var img Image
	err := s.db.GetContext(ctx, &img, `SELECT i.sha256, i.content_type, i.width, i.height, i.data
		FROM administrations a
		JOIN brand_pages p ON p.administration_id = a.id
		JOIN brand_versions v ON v.administration_id = a.id AND v.version = p.published_version
		JOIN brand_images i ON i.administration_id = a.id AND i.sha256 = $2
		WHERE a.slug = $1 AND a.status = 'active' AND (v.content->>'logo' = $2
			OR jsonb_path_exists(v.content, '$.blocks[*] ? (@.image == $d || @.items[*].image == $d)', jsonb_build_object('d', $2::text)))`,
		slug, digest)
	if err != nil {
		return nil, wrap("PublishedBrandImage", err)
	}
	return &img, nil
}

// BrandImage returns an image of the administration.
func (s *Store) BrandImage(ctx context.Context, adminID int64, digest string) (*Image, error) {
	var img Image
	err := s.db.GetContext(ctx, &img, `SELECT sha256, content_type, width, height, data FROM brand_images
		WHERE administration_id = $1 AND sha256 = $2`, adminID, digest)
	if err != nil {
		return nil, wrap("BrandImage", err)
	}
	return &img, nil
}

// BrandSurroundings is what a brand page shows besides its content: the live
// offers of the administration, its parent and its directions, each with
// whether it has a public page to link to.
type BrandSurroundings struct {
	Offers        []Offer // the newest BrandOffersShown published ones
	OfferCount    int     // all its published offers, which the search lists
	Parent        *Administration
	ParentHasPage bool
	Children      []Administration // the directions with a public page
}

// BrandOffersShown is how many of its newest offers an employer's page
// shows; a link leads to the others in the search.
const BrandOffersShown = 6

// BrandSurroundingsOf gathers the surroundings of an administration's page.
func (s *Store) BrandSurroundingsOf(ctx context.Context, adm *Administration) (*BrandSurroundings, error) {
	out := &BrandSurroundings{}
	var rows []offerRow
	err := s.db.SelectContext(ctx, &rows, `SELECT `+offerColumns+` FROM offers
		WHERE administration_id = $1 AND status = 'published' ORDER BY published_at DESC NULLS LAST, id DESC LIMIT $2`,
		adm.ID, BrandOffersShown)
	if err != nil {
		return nil, wrap("BrandSurroundingsOf", err)
	}
	for i := range rows {
		o, err := rows[i].offer()
		if err != nil {
			return nil, err
		}
		out.Offers = append(out.Offers, *o)
	}
	if err := s.db.GetContext(ctx, &out.OfferCount, `SELECT count(*) FROM offers
		WHERE administration_id = $1 AND status = 'published'`, adm.ID); err != nil {
		return nil, wrap("BrandSurroundingsOf", err)
	}
	if adm.ParentID != nil {
		if out.Parent, err = s.AdministrationByID(ctx, *adm.ParentID); err != nil {
			return nil, err
		}
		err = s.db.GetContext(ctx, &out.ParentHasPage, `SELECT EXISTS (SELECT 1 FROM brand_pages p JOIN administrations a ON a.id = p.administration_id
			WHERE p.administration_id = $1 AND p.published_version IS NOT NULL AND a.status = 'active')`, *adm.ParentID)
		if err != nil {
			return nil, wrap("BrandSurroundingsOf", err)
		}
	}
	err = s.db.SelectContext(ctx, &out.Children, `SELECT `+administrationColumns+` FROM administrations a
		WHERE parent_id = $1 AND status = 'active' AND EXISTS (SELECT 1 FROM brand_pages p
			WHERE p.administration_id = a.id AND p.published_version IS NOT NULL) ORDER BY name`, adm.ID)
	return out, wrap("BrandSurroundingsOf", err)
}

// BrandTheme is what an offer page shows of its employer's published page.
type BrandTheme struct {
	Accent string `db:"accent"`
	Logo   string `db:"logo"`
}
