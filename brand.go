package vivier

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"regexp"
	"strings"
	"time"
)

// BlockKind is what a block of a brand page shows.
type BlockKind string

const (
	BlockHero         BlockKind = "hero"         // title, tagline, cover image
	BlockText         BlockKind = "text"         // Markdown, rendered to safe HTML
	BlockFigures      BlockKind = "figures"      // key figures: value and label
	BlockTestimonials BlockKind = "testimonials" // photo, name, role, quote
	BlockVideo        BlockKind = "video"        // YouTube, Dailymotion or PeerTube, with a transcript
	BlockBenefits     BlockKind = "benefits"     // title and text
	BlockGallery      BlockKind = "gallery"      // images with their alternative text
	BlockPlaces       BlockKind = "places"       // label, address, département
	BlockOffers       BlockKind = "offers"       // the administration's live offers, filled in at display
)

// BlockKinds lists the kinds in the order the editor offers them.
var BlockKinds = []BlockKind{BlockHero, BlockText, BlockFigures, BlockTestimonials, BlockVideo, BlockBenefits,
	BlockGallery, BlockPlaces, BlockOffers}

// Label returns the French name of a kind of block.
func (k BlockKind) Label() string {
	switch k {
	case BlockHero:
		return "Bandeau d'accueil"
	case BlockText:
		return "Texte"
	case BlockFigures:
		return "Chiffres clés"
	case BlockTestimonials:
		return "Témoignages"
	case BlockVideo:
		return "Vidéo"
	case BlockBenefits:
		return "Avantages"
	case BlockGallery:
		return "Galerie d'images"
	case BlockPlaces:
		return "Lieux"
	case BlockOffers:
		return "Offres en cours"
	}
	return string(k)
}

// HasItems reports whether blocks of the kind hold a list of items.
func (k BlockKind) HasItems() bool {
	switch k {
	case BlockFigures, BlockTestimonials, BlockBenefits, BlockGallery, BlockPlaces:
		return true
	}
	return false
}

// Block is one section of a brand page. Its kind says which fields it uses;
// keeping one shape for every kind keeps the stored JSON and the forms simple.
type Block struct {
	ID         string    `json:"id"`
	Kind       BlockKind `json:"kind"`
	Title      string    `json:"title,omitempty"`      // hero title, or the section's heading
	Text       string    `json:"text,omitempty"`       // hero tagline, or Markdown for text blocks
	Image      string    `json:"image,omitempty"`      // hero cover (an image digest)
	URL        string    `json:"url,omitempty"`        // video page URL, as the agent pasted it
	Transcript string    `json:"transcript,omitempty"` // video transcript
	Items      []Item    `json:"items,omitempty"`
}

// Item is one element of a block's list: a figure (Title = value, Text =
// label), a testimonial (Title = name, Role, Text = quote, Image = photo), a
// benefit (Title, Text), a gallery image (Image, Alt) or a place (Title =
// label, Text = address, Departement).
type Item struct {
	Title       string `json:"title,omitempty"`
	Text        string `json:"text,omitempty"`
	Role        string `json:"role,omitempty"`
	Image       string `json:"image,omitempty"`
	Alt         string `json:"alt,omitempty"`
	Departement string `json:"departement,omitempty"`
}

// BrandContent is what a brand page shows: its theme and its blocks. The
// draft and every published version have this shape.
type BrandContent struct {
	Accent string  `json:"accent,omitempty"` // #rrggbb
	Logo   string  `json:"logo,omitempty"`   // an image digest
	Blocks []Block `json:"blocks"`
}

// BrandPage is an administration's page as its editors see it: the draft,
// and which version the public sees.
type BrandPage struct {
	AdministrationID int64
	Draft            BrandContent
	UpdatedAt        time.Time
	PublishedVersion int  // 0 until the first publication
	Unpublished      bool // the draft differs from the published version
}

// BrandVersion is one publication of a page, kept so that it can be restored.
type BrandVersion struct {
	Version          int                 `db:"version"`
	Content          JSONB[BrandContent] `db:"content"`
	PublishedByEmail string              `db:"published_by_email"`
	PublishedAt      time.Time           `db:"published_at"`
}

// Hero returns the page's first hero block, if any.
func (b *BrandContent) Hero() *Block {
	for i := range b.Blocks {
		if b.Blocks[i].Kind == BlockHero {
			return &b.Blocks[i]
		}
	}
	return nil
}

// Block returns the block with that id, or ENOTFOUND.
func (b *BrandContent) Block(id string) (*Block, error) {
	for i := range b.Blocks {
		if b.Blocks[i].ID == id {
			return &b.Blocks[i], nil
		}
	}
	return nil, Errorf(ENOTFOUND, "Ce bloc n'existe pas ou a été supprimé.")
}

// AddBlock appends an empty block of the kind and returns it.
func (b *BrandContent) AddBlock(kind BlockKind) (*Block, error) {
	if !oneOf(string(kind), kindStrings()) {
		return nil, FieldError("kind", "Choisissez un type de bloc dans la liste.")
	}
	if len(b.Blocks) >= maxBlocks {
		return nil, FieldError("kind", fmt.Sprintf("Une page compte %d blocs au plus.", maxBlocks))
	}
	id := make([]byte, 6)
	_, _ = rand.Read(id)
	b.Blocks = append(b.Blocks, Block{ID: hex.EncodeToString(id), Kind: kind, Title: defaultTitle(kind)})
	return &b.Blocks[len(b.Blocks)-1], nil
}

func defaultTitle(k BlockKind) string {
	if k == BlockOffers {
		return "Nos offres en cours"
	}
	return ""
}

func kindStrings() []string {
	out := make([]string, len(BlockKinds))
	for i, k := range BlockKinds {
		out[i] = string(k)
	}
	return out
}

// MoveBlock moves a block one place up (delta -1) or down (+1); at either
// end it stays where it is.
func (b *BrandContent) MoveBlock(id string, delta int) error {
	for i := range b.Blocks {
		if b.Blocks[i].ID == id {
			j := i + delta
			if j >= 0 && j < len(b.Blocks) {
				b.Blocks[i], b.Blocks[j] = b.Blocks[j], b.Blocks[i]
			}
			return nil
		}
	}
	return Errorf(ENOTFOUND, "Ce bloc n'existe pas ou a été supprimé.")
}

// RemoveBlock removes a block.
func (b *BrandContent) RemoveBlock(id string) error {
	for i := range b.Blocks {
		if b.Blocks[i].ID == id {
			b.Blocks = append(b.Blocks[:i], b.Blocks[i+1:]...)
			return nil
		}
	}
	return Errorf(ENOTFOUND, "Ce bloc n'existe pas ou a été supprimé.")
}

// ReplaceBlock puts nb in the place of the block with the same id.
func (b *BrandContent) ReplaceBlock(nb Block) error {
	old, err := b.Block(nb.ID)
	if err != nil {
		return err
	}
	nb.Kind = old.Kind // the kind of a block never changes
	if err := nb.Validate(); err != nil {
		return err
	}
	*old = nb
	return nil
}

const (
	maxBlocks = 30
	maxItems  = 24
)

var (
	accentRE = regexp.MustCompile(`^#[0-9a-f]{6}$`)
	digestRE = regexp.MustCompile(`^[0-9a-f]{64}$`)
	depRE    = regexp.MustCompile(`^(?:[0-9]{2,3}|2[AB])$`)
)

// Validate tidies the content and checks the rules a draft keeps: formats
// and lengths. A block just added may still be empty; a saved block is
// checked in full (ReplaceBlock), and so is every block at publication.
// Messages are French and name the block and the element at fault.
func (b *BrandContent) Validate() error { return b.check(false) }

// ValidateForPublication checks the content in full, required fields included.
func (b *BrandContent) ValidateForPublication() error { return b.check(true) }

func (b *BrandContent) check(strict bool) error {
	b.Accent = strings.ToLower(strings.TrimSpace(b.Accent))
	if b.Accent != "" {
		if err := CheckAccent(b.Accent); err != nil {
			return err
		}
	}
	if b.Logo != "" && !digestRE.MatchString(b.Logo) {
		return FieldError("logo", "Le logo n'est pas valide : envoyez-le de nouveau.")
	}
	if len(b.Blocks) > maxBlocks {
		return FieldError("blocks", fmt.Sprintf("Une page compte %d blocs au plus.", maxBlocks))
	}
	seen := map[string]bool{}
	for i := range b.Blocks {
		bl := &b.Blocks[i]
		if bl.ID == "" || seen[bl.ID] {
			return FieldError("blocks", "Deux blocs portent le même identifiant.")
		}
		seen[bl.ID] = true
		if err := bl.check(strict); err != nil {
			return err
		}
	}
	return nil
}

// Validate tidies a block and checks its rules, required fields included.
func (bl *Block) Validate() error { return bl.check(true) }

func (bl *Block) check(strict bool) error {
	bl.Title, bl.Text = strings.TrimSpace(bl.Title), strings.TrimSpace(bl.Text)
	bl.URL, bl.Transcript = strings.TrimSpace(bl.URL), strings.TrimSpace(bl.Transcript)
	name := bl.Kind.Label()
	switch {
	case !oneOf(string(bl.Kind), kindStrings()):
		return FieldError("kind", "Type de bloc inconnu.")
	case tooLong(bl.Title, 150):
		return FieldError("title", name+" : le titre compte 150 caractères au plus.")
	case strict && bl.Kind == BlockHero && bl.Title == "":
		return FieldError("title", name+" : le titre est obligatoire.")
	case bl.Kind == BlockHero && tooLong(bl.Text, 300):
		return FieldError("text", name+" : l'accroche compte 300 caractères au plus.")
	case tooLong(bl.Text, 20000):
		return FieldError("text", name+" : le texte compte 20 000 caractères au plus.")
	case strict && bl.Kind == BlockText && bl.Text == "":
		return FieldError("text", name+" : le texte est obligatoire.")
	case tooLong(bl.Transcript, 50000):
		return FieldError("transcript", name+" : la transcription compte 50 000 caractères au plus.")
	case bl.Image != "" && !digestRE.MatchString(bl.Image):
		return FieldError("image", name+" : l'image n'est pas valide, envoyez-la de nouveau.")
	case len(bl.Items) > maxItems:
		return FieldError("items", fmt.Sprintf("%s : %d éléments au plus.", name, maxItems))
	}
	if bl.Kind == BlockVideo && (strict || bl.URL != "") {
		if _, err := VideoEmbed(bl.URL); err != nil {
			return err
		}
		if strict && bl.Transcript == "" {
			return FieldError("transcript", name+" : la transcription est obligatoire, pour les personnes qui ne peuvent ni voir ni entendre la vidéo.")
		}
	}
	for i := range bl.Items {
		if err := bl.checkItem(i, strict); err != nil {
			return err
		}
	}
	return nil
}

func (bl *Block) checkItem(i int, strict bool) error {
	it := &bl.Items[i]
	it.Title, it.Text, it.Role = strings.TrimSpace(it.Title), strings.TrimSpace(it.Text), strings.TrimSpace(it.Role)
	it.Alt, it.Departement = strings.TrimSpace(it.Alt), strings.TrimSpace(it.Departement)
	at := fmt.Sprintf("%s, élément %d : ", bl.Kind.Label(), i+1)
	switch {
	case tooLong(it.Title, 150) || tooLong(it.Role, 150) || tooLong(it.Alt, 300):
		return FieldError("items", at+"150 caractères au plus par champ (300 pour le texte de remplacement).")
	case tooLong(it.Text, 2000):
		return FieldError("items", at+"le texte compte 2 000 caractères au plus.")
	case it.Image != "" && !digestRE.MatchString(it.Image):
		return FieldError("items", at+"l'image n'est pas valide, envoyez-la de nouveau.")
	case it.Departement != "" && !depRE.MatchString(it.Departement):
		return FieldError("items", at+"choisissez un département dans la liste.")
	}
	if !strict {
		return nil
	}
	switch bl.Kind {
	case BlockFigures:
		if it.Title == "" || it.Text == "" {
			return FieldError("items", at+"indiquez la valeur et son libellé.")
		}
	case BlockTestimonials:
		if it.Title == "" || it.Text == "" {
			return FieldError("items", at+"indiquez le nom et le témoignage.")
		}
	case BlockBenefits:
		if it.Title == "" {
			return FieldError("items", at+"le titre de l'avantage est obligatoire.")
		}
	case BlockGallery:
		if it.Image == "" {
			return FieldError("items", at+"choisissez une image.")
		}
		if it.Alt == "" {
			return FieldError("items", at+"le texte de remplacement est obligatoire : décrivez l'image pour les personnes qui ne la voient pas.")
		}
	case BlockPlaces:
		if it.Title == "" || it.Text == "" {
			return FieldError("items", at+"indiquez le nom du lieu et son adresse.")
		}
	}
	return nil
}

// Images returns the digests of every image the content uses.
func (b *BrandContent) Images() []string {
	var out []string
	if b.Logo != "" {
		out = append(out, b.Logo)
	}
	for _, bl := range b.Blocks {
		if bl.Image != "" {
			out = append(out, bl.Image)
		}
		for _, it := range bl.Items {
			if it.Image != "" {
				out = append(out, it.Image)
			}
		}
	}
	return out
}

// Departements returns the départements of the content's places.
func (b *BrandContent) Departements() []string {
	var out []string
	for _, bl := range b.Blocks {
		if bl.Kind != BlockPlaces {
			continue
		}
		for _, it := range bl.Items {
			if it.Departement != "" {
				out = append(out, it.Departement)
			}
		}
	}
	return out
}
