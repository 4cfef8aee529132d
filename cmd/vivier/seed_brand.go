package main

import (
	"bytes"
	"context"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"vivier"
)

// demoBrand is what the demo page of an administration says.
type demoBrand struct {
	slug, accent, title, tagline, intro string
	dep, place, address                 string
	hue                                 [3]uint8 // base colour of its generated pictures
}

var demoBrands = []demoBrand{
	{slug: "ministere-demo", accent: "#000091", title: "Servir l'État, au cœur de l'action publique",
		tagline: "Le ministère de la Démonstration recrute des femmes et des hommes engagés, partout en France.",
		intro:   "Le **ministère de la Démonstration** conçoit et met en œuvre les politiques publiques de démonstration.\n\n# Nos missions\n\n- accompagner les usagers ;\n- moderniser les services publics ;\n- former nos agents tout au long de leur carrière.\n\nEn savoir plus sur [service-public.fr](https://www.service-public.fr).",
		dep:     "75", place: "Siège du ministère", address: "1 rue de la Démonstration\n75007 Paris", hue: [3]uint8{0, 0, 145}},
	{slug: "ministere-demo-dnum", accent: "#1f4e79", title: "La direction du numérique",
		tagline: "Des équipes produit qui construisent les services numériques du ministère.",
		intro:   "La **DNUM** réunit développeurs, designers et spécialistes des données.\n\n# Notre manière de travailler\n\n- des équipes autonomes ;\n- du code ouvert ;\n- l'usager au centre.",
		dep:     "69", place: "Campus numérique", address: "10 quai du Rhône\n69002 Lyon", hue: [3]uint8{31, 78, 121}},
	{slug: "ministere-demo-drh", accent: "#7a1f3d", title: "La direction des ressources humaines",
		tagline: "Recruter, former et accompagner les agents du ministère.",
		intro:   "La **DRH** accompagne chaque agent, de son arrivée à sa retraite.\n\n# Nos engagements\n\n- l'égalité professionnelle ;\n- l'inclusion des personnes en situation de handicap.",
		dep:     "33", place: "Centre de gestion", address: "5 cours de l'Intendance\n33000 Bordeaux", hue: [3]uint8{122, 31, 61}},
	{slug: "ville-demo", accent: "#2f5d3a", title: "Travailler pour Démo-sur-Loire",
		tagline: "Une ville de 50 000 habitants, ses 1 200 agents et 120 métiers au service de tous.",
		intro:   "La **ville de Démo-sur-Loire** agit chaque jour pour ses habitants : écoles, espaces verts, culture, solidarité.\n\n# Nos métiers\n\n- petite enfance ;\n- voirie et espaces verts ;\n- action sociale.",
		dep:     "45", place: "Hôtel de ville", address: "Place de la Mairie\n45000 Démo-sur-Loire", hue: [3]uint8{47, 93, 58}},
}

// seedDemoBrands publishes a page with every kind of block for each demo
// administration that has none yet.
func (m *Main) seedDemoBrands(ctx context.Context) (int, error) {
	who := vivier.Actor{Email: "démonstration"}
	n := 0
	for _, d := range demoBrands {
		adm, err := m.store.AdministrationBySlug(ctx, d.slug)
		if err != nil {
			return n, err
		}
		page, err := m.store.BrandPage(ctx, adm.ID)
		if err != nil {
			return n, err
		}
		if page.PublishedVersion > 0 {
			continue
		}
		img := func(w, h, shade int) (string, error) {
			pic, err := vivier.ProcessImage(bytes.NewReader(gradient(w, h, d.hue, shade)), vivier.ImageWidth)
			if err != nil {
				return "", err
			}
			return pic.SHA256, m.store.SaveImage(ctx, adm.ID, pic)
		}
		var pics [7]string
		for i := range pics {
			w, h := 1200, 800
			if i == 0 {
				w, h = 400, 400 // the logo
			}
			if pics[i], err = img(w, h, i); err != nil {
				return n, fmt.Errorf("demo image of %s: %w", d.slug, err)
			}
		}
		content := demoContent(d, pics)
		err = m.store.EditBrandDraft(ctx, adm.ID, who, "brand.block_updated", "démonstration", func(c *vivier.BrandContent) error {
			*c = content
			return nil
		})
		if err != nil {
			return n, fmt.Errorf("demo brand page of %s: %w", d.slug, err)
		}
		if _, err := m.store.PublishBrand(ctx, adm.ID, who); err != nil {
			return n, fmt.Errorf("publish the demo brand page of %s: %w", d.slug, err)
		}
		n++
	}
	return n, nil
}

func demoContent(d demoBrand, pics [7]string) vivier.BrandContent {
	return vivier.BrandContent{Accent: d.accent, Logo: pics[0], Blocks: []vivier.Block{
		{ID: "accueil", Kind: vivier.BlockHero, Title: d.title, Text: d.tagline, Image: pics[1]},
		{ID: "presentation", Kind: vivier.BlockText, Title: "Qui sommes-nous ?", Text: d.intro},
		{ID: "chiffres", Kind: vivier.BlockFigures, Title: "Chiffres clés", Items: []vivier.Item{
			{Title: "1 200", Text: "agents"}, {Title: "120", Text: "métiers"}, {Title: "52 %", Text: "de femmes"}, {Title: "85", Text: "recrutements par an"},
		}},
		{ID: "temoignages", Kind: vivier.BlockTestimonials, Title: "Ils et elles y travaillent", Items: []vivier.Item{
			{Title: "Amina K.", Role: "Cheffe de projet", Text: "Je travaille sur des projets utiles à des millions de personnes.", Image: pics[2]},
			{Title: "Julien M.", Role: "Technicien", Text: "Une équipe soudée, et la formation tout au long de la carrière.", Image: pics[3]},
		}},
		{ID: "video", Kind: vivier.BlockVideo, Title: "Nos métiers en vidéo", URL: "https://tube.numerique.gouv.fr/w/9c9de5e8-0a1b-4e5a-8b1f-2d5b1e7c1a00",
			Transcript: "Une agente présente son service, puis un agent montre son bureau et explique une journée de travail."},
		{ID: "avantages", Kind: vivier.BlockBenefits, Title: "Nos avantages", Items: []vivier.Item{
			{Title: "Télétravail", Text: "Jusqu'à trois jours par semaine selon les postes."},
			{Title: "Formation", Text: "Un plan de formation pour chaque agent."},
			{Title: "Action sociale", Text: "Restauration collective, prestations sociales et chèques vacances."},
		}},
		{ID: "galerie", Kind: vivier.BlockGallery, Title: "En images", Items: []vivier.Item{
			{Image: pics[4], Alt: "Un open space lumineux où une équipe travaille"},
			{Image: pics[5], Alt: "Une salle de réunion avec vue sur la ville"},
			{Image: pics[6], Alt: "Le hall d'accueil du bâtiment"},
		}},
		{ID: "lieux", Kind: vivier.BlockPlaces, Title: "Où nous trouver", Items: []vivier.Item{
			{Title: d.place, Text: d.address, Departement: d.dep},
		}},
		{ID: "offres", Kind: vivier.BlockOffers, Title: "Nos offres en cours"},
	}}
}

// gradient returns a PNG picture fading from colour c to white, shaded by
// variant, so that the demo ships no binary image.
func gradient(w, h int, c [3]uint8, variant int) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			t := float64((x+y*(variant+1))%(w+h)) / float64(w+h)
			mix := func(v uint8) uint8 { return uint8(float64(v) + (255-float64(v))*t) }
			img.Set(x, y, color.RGBA{mix(c[0]), mix(c[1]), mix(c[2]), 255})
		}
	}
	var buf bytes.Buffer
	_ = png.Encode(&buf, img)
	return buf.Bytes()
}
