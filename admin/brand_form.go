package admin

import (
	"strconv"

	"github.com/gofiber/fiber/v2"

	"vivier"
	"vivier/templates"
)

// itemField is one field of the items of a kind of block, as the editor
// shows it. Type is text, textarea, image or departement.
type itemField struct{ Name, Label, Hint, Type string }

var itemFields = map[vivier.BlockKind][]itemField{
	vivier.BlockFigures: {
		{"title", "Valeur", "Par exemple « 1 200 » ou « 85 % »", "text"},
		{"text", "Libellé", "Par exemple « agents sur tout le territoire »", "text"},
	},
	vivier.BlockTestimonials: {
		{"title", "Nom", "", "text"},
		{"role", "Fonction", "Facultatif", "text"},
		{"text", "Témoignage", "", "textarea"},
		{"image", "Photo", "Facultative. JPEG, PNG ou WebP, 5 Mo au plus", "image"},
	},
	vivier.BlockBenefits: {
		{"title", "Avantage", "", "text"},
		{"text", "Description", "Facultative", "textarea"},
	},
	vivier.BlockGallery: {
		{"image", "Image", "JPEG, PNG ou WebP, 5 Mo au plus", "image"},
		{"alt", "Texte de remplacement", "Obligatoire : décrivez l'image pour les personnes qui ne la voient pas", "text"},
	},
	vivier.BlockPlaces: {
		{"title", "Nom du lieu", "", "text"},
		{"text", "Adresse", "", "textarea"},
		{"departement", "Département", "Pour le filtre par région de la liste des employeurs", "departement"},
	},
}

// editBlock is a block as the editor shows it.
type editBlock struct {
	vivier.Block
	Number      int
	First, Last bool
	Error       string
	ImageURL    string
	Fields      []itemField
	Rows        []itemRow
}

// itemRow is an item of a block in the editor; the last row of a block is
// an empty one, to add an item.
type itemRow struct {
	Index    int
	Number   int
	New      bool
	Values   map[string]string
	ImageURL string
}

func editorBlocks(adm *vivier.Administration, d vivier.BrandContent, errs map[string]string) []editBlock {
	out := make([]editBlock, 0, len(d.Blocks))
	for i, b := range d.Blocks {
		eb := editBlock{Block: b, Number: i + 1, First: i == 0, Last: i == len(d.Blocks)-1, Error: errs[b.ID],
			ImageURL: templates.DraftImageURL(adm.Slug, b.Image), Fields: itemFields[b.Kind]}
		if b.Kind.HasItems() {
			for j, it := range b.Items {
				eb.Rows = append(eb.Rows, itemRow{Index: j, Number: j + 1, Values: itemValues(it), ImageURL: templates.DraftImageURL(adm.Slug, it.Image)})
			}
			eb.Rows = append(eb.Rows, itemRow{Index: len(b.Items), Number: len(b.Items) + 1, New: true, Values: map[string]string{}})
		}
		out = append(out, eb)
	}
	return out
}

func itemValues(it vivier.Item) map[string]string {
	return map[string]string{"title": it.Title, "text": it.Text, "role": it.Role, "image": it.Image, "alt": it.Alt, "departement": it.Departement}
}

// readBlockForm reads a block's form over old: its fields, its items (an
// item ticked for removal, or left empty, is dropped) and its uploaded
// images, which are checked and stored at once.
func (h *Handler) readBlockForm(c *fiber.Ctx, adm *vivier.Administration, old vivier.Block) (vivier.Block, error) {
	b := vivier.Block{ID: old.ID, Kind: old.Kind, Title: c.FormValue("title"), Text: c.FormValue("text"),
		URL: c.FormValue("url"), Transcript: c.FormValue("transcript")}
	if old.Kind == vivier.BlockHero {
		b.Image = old.Image
		if c.FormValue("image-remove") == "oui" {
			b.Image = ""
		}
		img, err := h.upload(c, adm, "image-file", vivier.ImageWidth)
		if err != nil {
			return old, err
		}
		if img != "" {
			b.Image = img
		}
	}
	if !old.Kind.HasItems() {
		return b, nil
	}
	n, err := templates.FormNumber(c, "items")
	if err != nil {
		return old, err
	}
	n = min(n, 100)
	for i := 0; i < n; i++ {
		p := "item-" + strconv.Itoa(i) + "-"
		if c.FormValue(p+"remove") == "oui" {
			continue
		}
		it := vivier.Item{Title: c.FormValue(p + "title"), Text: c.FormValue(p + "text"), Role: c.FormValue(p + "role"),
			Alt: c.FormValue(p + "alt"), Departement: c.FormValue(p + "departement")}
		// An image already there comes back as its digest; the store
		// checks that it belongs to the administration.
		if i < len(old.Items) {
			it.Image = old.Items[i].Image
		}
		img, err := h.upload(c, adm, p+"image-file", vivier.ImageWidth)
		if err != nil {
			return b, vivier.FieldError("items", "Élément "+strconv.Itoa(i+1)+"\u00a0: "+vivier.ErrorMessage(err))
		}
		if img != "" {
			it.Image = img
		}
		if it == (vivier.Item{Departement: it.Departement}) {
			continue // the empty row left for a new item
		}
		b.Items = append(b.Items, it)
	}
	return b, nil
}

// upload processes the image sent in field, if any, stores it for the
// administration and returns its digest ("" when no file was sent).
func (h *Handler) upload(c *fiber.Ctx, adm *vivier.Administration, field string, width int) (string, error) {
	fh, err := c.FormFile(field)
	if err != nil || fh.Size == 0 {
		return "", nil // no file in this field (or not a multipart form)
	}
	if fh.Size > vivier.MaxImageBytes {
		return "", vivier.FieldError("image", "L'image dépasse 5 Mo\u00a0: réduisez-la avant de l'envoyer.")
	}
	f, err := fh.Open()
	if err != nil {
		return "", err
	}
	defer func() { _ = f.Close() }() // read only: a failed close loses nothing
	img, err := vivier.ProcessImage(f, width)
	if err != nil {
		return "", err
	}
	if err := h.Store.SaveImage(c.UserContext(), adm.ID, img); err != nil {
		return "", err
	}
	return img.SHA256, nil
}
