package admin

import (
	"github.com/gofiber/fiber/v2"

	"vivier/policies"
	"vivier/templates"
)

// navItems are the back-office sections, shown to those who may open them.
func navItems() []struct {
	Path, Label string
	Perm        policies.Permission
} {
	return []struct {
		Path, Label string
		Perm        policies.Permission
	}{
		{"", "Tableau de bord", policies.DashboardRead},
		{"/offres", "Offres", policies.OffersRead},
		{"/offres/validation", "Offres à valider", policies.OffersValidate},
		{"/candidatures", "Candidatures", policies.ApplicationsReadAssigned},
		{"/jurys", "Mes jurys", policies.BoardsMark},
		{"/vivier", "Vivier de talents", policies.ApplicationsRead},
		{"/mobilite/profils", "Profils en mobilité", policies.ProfilesRead},
		{"/doublons", "Doublons", policies.CandidatesMerge},
		{"/etapes", "Étapes et motifs", policies.PipelineManage},
		{"/statistiques", "Statistiques", policies.StatisticsRead},
		{"/marque", "Page employeur", policies.BrandEdit},
		{"/agents", "Agents", policies.AgentsManage},
		{"/administration", "Administration", policies.AdministrationsManage},
		{"/journal", "Journal", policies.AuditRead},
		{"/api", "API", policies.APITokensManage},
		{"/csp", "Choisir le Service Public", policies.CSPManage},
		{"/exports", "Exports SIRH", policies.ExportsRun},
		{"/modeles", "Modèles de courriels", policies.TemplatesEdit},
		{"/notifications", "Notifications", policies.NotificationsManage},
	}
}

// messagePage says something on a page of its own: that a link no longer
// works, that an email is on its way.
type messagePage struct {
	templates.Page
	Title, Text    string
	Link, LinkText string // where to go from here
}

// page renders a back-office page from its model (a struct that embeds
// templates.Page), with the current administration, its navigation and the
// agent's flash message.
func (h *Handler) page(c *fiber.Ctx, status int, name string, m templates.Model) error {
	p := m.Common()
	if adm := currentAdministration(c); adm != nil {
		p.Adm = adm
		for _, it := range navItems() {
			if ok, _ := h.Policies.Allowed(currentAgent(c).ID, adm.ID, it.Perm); ok {
				u := admURL(adm, it.Path)
				p.Nav = append(p.Nav, templates.NavItem{URL: u, Label: it.Label, Current: c.Path() == u})
			}
		}
	}
	p.Flash, _ = c.Locals("flash").(string)
	return h.Renderer.Page(c, status, name, m)
}
