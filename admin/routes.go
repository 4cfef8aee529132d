package admin

import (
	"fmt"
	"strings"

	"github.com/gofiber/fiber/v2"

	"vivier/policies"
)

// access says who may reach a route before any permission is checked.
type access int

const (
	public         access = iota // anyone (sign-in, links from emails)
	signedIn                     // any signed-in agent, for their own things
	platform                     // perm checked across the platform
	administration               // perm checked in the URL's administration (:adm)
)

// Route is one back-office route and what it requires.
type Route struct {
	Method, Path string // Path below /admin
	Access       access
	// Perm names perm, as "resource:action", for those who walk the table.
	Perm    string
	perm    policies.Permission // for platform and administration routes
	handler fiber.Handler
	limited bool // rate limited per IP (sign-in, password reset)
}

// Routes is the table of every back-office route: the one place where a
// route is declared with what it requires. Register refuses to start with a
// route of this table whose declaration is missing or unknown, and Verify
// with a route under /admin that is not in it.
func (h *Handler) Routes() []Route {
	monitor := h.taskMonitor()
	routes := []Route{
		{Method: "GET", Path: "/connexion", Access: public, handler: h.loginForm},
		{Method: "POST", Path: "/connexion", Access: public, handler: h.login, limited: true},
		{Method: "GET", Path: "/proconnect", Access: public, handler: h.proconnectStart, limited: true},
		{Method: "GET", Path: "/proconnect/retour", Access: public, handler: h.proconnectReturn, limited: true},
		{Method: "GET", Path: "/mot-de-passe-oublie", Access: public, handler: h.forgotForm},
		{Method: "POST", Path: "/mot-de-passe-oublie", Access: public, handler: h.forgot, limited: true},
		{Method: "GET", Path: "/mot-de-passe/:token", Access: public, handler: h.resetForm},
		{Method: "POST", Path: "/mot-de-passe/:token", Access: public, handler: h.reset, limited: true},
		{Method: "GET", Path: "/invitation/:token", Access: public, handler: h.invitationForm},
		{Method: "POST", Path: "/invitation/:token", Access: public, handler: h.acceptInvitation, limited: true},

		{Method: "POST", Path: "/deconnexion", Access: signedIn, handler: h.logout},
		{Method: "GET", Path: "/", Access: signedIn, handler: h.home},
		{Method: "GET", Path: "/compte/sessions", Access: signedIn, handler: h.sessionsPage},
		{Method: "POST", Path: "/compte/sessions/:id/fin", Access: signedIn, handler: h.endSession},

		{Method: "GET", Path: "/plateforme/administrations", Access: platform, perm: policies.PlatformManage, handler: h.platformPage},
		{Method: "POST", Path: "/plateforme/administrations", Access: platform, perm: policies.PlatformManage, handler: h.createAdministration},
		{Method: "GET", Path: "/plateforme/taches-en-echec", Access: platform, perm: policies.PlatformManage, handler: h.failedTasksPage},
		{Method: "POST", Path: "/plateforme/taches-en-echec/relance", Access: platform, perm: policies.PlatformManage, handler: h.retryAllTasks},
		{Method: "POST", Path: "/plateforme/taches-en-echec/:queue/:id/relance", Access: platform, perm: policies.PlatformManage, handler: h.retryTask},
		// Asynqmon: its page, assets and read-only API.
		{Method: "GET", Path: "/taches", Access: platform, perm: policies.PlatformManage, handler: monitor},
		{Method: "GET", Path: "/taches/*", Access: platform, perm: policies.PlatformManage, handler: monitor},
		{Method: "GET", Path: "/plateforme/metiers", Access: platform, perm: policies.PlatformManage, handler: h.metiersPage},
		{Method: "POST", Path: "/plateforme/metiers", Access: platform, perm: policies.PlatformManage, handler: h.addMetier},
		{Method: "POST", Path: "/plateforme/metiers/import", Access: platform, perm: policies.PlatformManage, handler: h.importMetiers},
		{Method: "POST", Path: "/plateforme/metiers/:item", Access: platform, perm: policies.PlatformManage, handler: h.renameMetier},
		{Method: "POST", Path: "/plateforme/metiers/:item/statut", Access: platform, perm: policies.PlatformManage, handler: h.setMetierActive},
		{Method: "GET", Path: "/plateforme/competences", Access: platform, perm: policies.PlatformManage, handler: h.competencesPage},
		{Method: "POST", Path: "/plateforme/competences", Access: platform, perm: policies.PlatformManage, handler: h.addCompetence},
		{Method: "POST", Path: "/plateforme/competences/:item", Access: platform, perm: policies.PlatformManage, handler: h.renameCompetence},
		{Method: "POST", Path: "/plateforme/competences/:item/statut", Access: platform, perm: policies.PlatformManage, handler: h.setCompetenceActive},
		{Method: "POST", Path: "/plateforme/competences/:item/synonymes", Access: platform, perm: policies.PlatformManage, handler: h.setSynonyms},
		{Method: "GET", Path: "/plateforme/pages-legales", Access: platform, perm: policies.PlatformManage, handler: h.legalPage},
		{Method: "POST", Path: "/plateforme/pages-legales/mentions-legales", Access: platform, perm: policies.PlatformManage, handler: h.saveLegalNotice},
		{Method: "POST", Path: "/plateforme/pages-legales/donnees-personnelles", Access: platform, perm: policies.PlatformManage, handler: h.savePrivacyNotice},
		{Method: "POST", Path: "/plateforme/pages-legales/accessibilite", Access: platform, perm: policies.PlatformManage, handler: h.saveAccessibilityStatement},

		{Method: "GET", Path: "/:adm", Access: administration, perm: policies.DashboardRead, handler: h.dashboard},
		{Method: "GET", Path: "/:adm/offres", Access: administration, perm: policies.OffersRead, handler: h.offersPage},
		{Method: "GET", Path: "/:adm/offres/nouvelle", Access: administration, perm: policies.OffersEdit, handler: h.newOfferPage},
		{Method: "POST", Path: "/:adm/offres", Access: administration, perm: policies.OffersEdit, handler: h.createOffer},
		// Before /:adm/offres/:offer, which would take "import" for an id.
		{Method: "GET", Path: "/:adm/offres/import", Access: administration, perm: policies.OffersEdit, handler: h.importPage},
		{Method: "POST", Path: "/:adm/offres/import", Access: administration, perm: policies.OffersEdit, handler: h.importConcours},
		// Validation before publication, before /:adm/offres/:offer too.
		{Method: "GET", Path: "/:adm/offres/validation", Access: administration, perm: policies.OffersValidate, handler: h.validationQueue},
		{Method: "GET", Path: "/:adm/offres/validation/:offer", Access: administration, perm: policies.OffersValidate, handler: h.validationReview},
		{Method: "POST", Path: "/:adm/offres/validation/:offer/approbation", Access: administration, perm: policies.OffersValidate, handler: h.approveOffer},
		{Method: "POST", Path: "/:adm/offres/validation/:offer/retour", Access: administration, perm: policies.OffersValidate, handler: h.returnOffer},
		{Method: "GET", Path: "/:adm/offres/:offer", Access: administration, perm: policies.OffersRead, handler: h.offerPage},
		{Method: "POST", Path: "/:adm/offres/:offer", Access: administration, perm: policies.OffersEdit, handler: h.updateOffer},
		{Method: "POST", Path: "/:adm/offres/:offer/statut", Access: administration, perm: policies.OffersPublish, handler: h.moveOffer},
		// Jury members read the applications assigned to them: these routes
		// take the least permission, and the handlers scope what it reads.
		{Method: "GET", Path: "/:adm/candidatures", Access: administration, perm: policies.ApplicationsReadAssigned, handler: h.applicationsPage},
		{Method: "GET", Path: "/:adm/candidatures/:application", Access: administration, perm: policies.ApplicationsReadAssigned, handler: h.applicationPage},
		{Method: "GET", Path: "/:adm/candidatures/:application/fichiers/:file", Access: administration, perm: policies.ApplicationsReadAssigned, handler: h.downloadFile},
		{Method: "GET", Path: "/:adm/candidatures/:application/offre", Access: administration, perm: policies.ApplicationsDecide, handler: h.attachPage},
		{Method: "POST", Path: "/:adm/candidatures/:application/offre", Access: administration, perm: policies.ApplicationsDecide, handler: h.attachToOffer},
		{Method: "GET", Path: "/:adm/offres/:offer/candidatures", Access: administration, perm: policies.ApplicationsReadAssigned, handler: h.pipelinePage},
		{Method: "POST", Path: "/:adm/offres/:offer/candidatures/lot", Access: administration, perm: policies.ApplicationsDecide, handler: h.bulkMove},
		{Method: "POST", Path: "/:adm/offres/:offer/candidatures/export", Access: administration, perm: policies.ExportsRun, handler: h.exportSelection},
		{Method: "GET", Path: "/:adm/offres/:offer/tableau", Access: administration, perm: policies.ApplicationsReadAssigned, handler: h.boardPage},
		{Method: "POST", Path: "/:adm/candidatures/:application/etape", Access: administration, perm: policies.ApplicationsDecide, handler: h.moveApplication},
		{Method: "POST", Path: "/:adm/offres/:offer/duplication", Access: administration, perm: policies.OffersEdit, handler: h.duplicateOffer},
		{Method: "GET", Path: "/:adm/agents", Access: administration, perm: policies.AgentsManage, handler: h.agentsPage},
		{Method: "POST", Path: "/:adm/agents/invitations", Access: administration, perm: policies.AgentsManage, handler: h.invite},
		{Method: "POST", Path: "/:adm/agents/invitations/:invitation/annulation", Access: administration, perm: policies.AgentsManage, handler: h.cancelInvitation},
		{Method: "POST", Path: "/:adm/agents/:agent/role", Access: administration, perm: policies.AgentsManage, handler: h.changeRole},
		{Method: "POST", Path: "/:adm/agents/:agent/retrait", Access: administration, perm: policies.AgentsManage, handler: h.removeAgent},
		{Method: "GET", Path: "/:adm/administration", Access: administration, perm: policies.AdministrationsManage, handler: h.administrationPage},
		{Method: "POST", Path: "/:adm/administration", Access: administration, perm: policies.AdministrationsManage, handler: h.updateAdministration},
		{Method: "POST", Path: "/:adm/administration/delai", Access: administration, perm: policies.AdministrationsManage, handler: h.setResponseDays},
		{Method: "POST", Path: "/:adm/administration/validation", Access: administration, perm: policies.AdministrationsManage, handler: h.setValidationSettings},
		{Method: "POST", Path: "/:adm/administration/conservation", Access: administration, perm: policies.AdministrationsManage, handler: h.setRetentionMonths},
		{Method: "POST", Path: "/:adm/administration/domaines", Access: administration, perm: policies.AdministrationsManage, handler: h.setEmailDomains},
		{Method: "POST", Path: "/:adm/directions", Access: administration, perm: policies.AdministrationsManage, handler: h.createChild},
		{Method: "POST", Path: "/:adm/directions/:child/statut", Access: administration, perm: policies.AdministrationsManage, handler: h.setChildStatus},
		{Method: "GET", Path: "/:adm/mobilite/profils", Access: administration, perm: policies.ProfilesRead, handler: h.profileSearch},
		{Method: "GET", Path: "/:adm/mobilite/profils/:profile", Access: administration, perm: policies.ProfilesRead, handler: h.profilePage},
		{Method: "GET", Path: "/:adm/mobilite/profils/:profile/cv", Access: administration, perm: policies.ProfilesRead, handler: h.profileCV},
		{Method: "POST", Path: "/:adm/mobilite/profils/:profile/invitations", Access: administration, perm: policies.ProfilesInvite, handler: h.inviteProfile},
		{Method: "GET", Path: "/:adm/journal", Access: administration, perm: policies.AuditRead, handler: h.auditPage},
		{Method: "GET", Path: "/:adm/marque", Access: administration, perm: policies.BrandEdit, handler: h.brandPage},
		{Method: "POST", Path: "/:adm/marque/theme", Access: administration, perm: policies.BrandEdit, handler: h.saveBrandTheme},
		{Method: "POST", Path: "/:adm/marque/blocs", Access: administration, perm: policies.BrandEdit, handler: h.addBrandBlock},
		{Method: "POST", Path: "/:adm/marque/blocs/:block", Access: administration, perm: policies.BrandEdit, handler: h.saveBrandBlock},
		{Method: "POST", Path: "/:adm/marque/blocs/:block/deplacement", Access: administration, perm: policies.BrandEdit, handler: h.moveBrandBlock},
		{Method: "POST", Path: "/:adm/marque/blocs/:block/suppression", Access: administration, perm: policies.BrandEdit, handler: h.removeBrandBlock},
		{Method: "POST", Path: "/:adm/marque/publication", Access: administration, perm: policies.BrandEdit, handler: h.publishBrand},
		{Method: "POST", Path: "/:adm/marque/versions/:version/restauration", Access: administration, perm: policies.BrandEdit, handler: h.restoreBrand},
		{Method: "GET", Path: "/:adm/marque/images/:digest", Access: administration, perm: policies.DashboardRead, handler: h.brandImage},
		{Method: "GET", Path: "/:adm/marque/apercu", Access: administration, perm: policies.DashboardRead, handler: h.previewBrand}, // any agent may look at the draft and its images
		{Method: "GET", Path: "/:adm/api", Access: administration, perm: policies.APITokensManage, handler: h.apiTokensPage},
		{Method: "POST", Path: "/:adm/api/jetons", Access: administration, perm: policies.APITokensManage, handler: h.createAPIToken},
		{Method: "POST", Path: "/:adm/api/jetons/:token/revocation", Access: administration, perm: policies.APITokensManage, handler: h.revokeAPIToken},
	}
	routes = append(routes, h.cspRoutes()...)
	routes = append(routes, h.exportRoutes()...)
	routes = append(routes, h.poolRoutes()...)
	routes = append(routes, h.interviewRoutes()...)
	routes = append(routes, h.sessionRoutes()...)
	routes = append(routes, h.notificationRoutes()...)
	routes = append(routes, h.statsRoutes()...)
	routes = append(routes, h.collabRoutes()...)
	routes = append(routes, h.documentRoutes()...)
	routes = append(routes, h.anonymityRoutes()...)
	routes = append(routes, h.boardRoutes()...)
	for i := range routes {
		routes[i].Perm = string(routes[i].perm)
	}
	return routes
}

// Register mounts the table under /admin. It fails, so that the program does
// not start, on a route whose permission is missing, malformed or granted to
// no role, and on a permission constant that policy.csv grants to no role.
func (h *Handler) Register(app fiber.Router) error {
	if unknown := h.Policies.Unknown(); len(unknown) > 0 {
		return fmt.Errorf("admin: permissions granted to no role in policy.csv: %v", unknown)
	}
	r := app.Group("/admin", noStore, h.csrfUnlessOneClick, h.loadAgent)
	for _, rt := range h.Routes() {
		chain, err := h.chain(rt)
		if err != nil {
			return fmt.Errorf("admin: %s /admin%s: %w", rt.Method, rt.Path, err)
		}
		r.Add(rt.Method, rt.Path, chain...)
		h.declared[rt.Method+" "+strings.TrimSuffix("/admin"+rt.Path, "/")] = true
	}
	return nil
}

func (h *Handler) chain(rt Route) ([]fiber.Handler, error) {
	var chain []fiber.Handler
	if rt.limited {
		chain = append(chain, h.Limit)
	}
	switch rt.Access {
	case public, signedIn:
		if rt.perm != "" {
			return nil, fmt.Errorf("a %s route takes no permission", map[access]string{public: "public", signedIn: "signed-in"}[rt.Access])
		}
		if rt.Access == signedIn {
			chain = append(chain, h.requireAgent)
		}
	case platform, administration:
		p, err := policies.ParsePermission(string(rt.perm))
		if err != nil {
			return nil, err
		}
		if !h.Policies.Known(p) {
			return nil, fmt.Errorf("permission %s is granted to no role in policy.csv", p)
		}
		if rt.Access == administration && !strings.HasPrefix(rt.Path, "/:adm") {
			return nil, fmt.Errorf("an administration route starts with /:adm")
		}
		chain = append(chain, h.requireAgent)
		if rt.Access == platform {
			chain = append(chain, h.authorizePlatform(p))
		} else {
			chain = append(chain, h.authorize(p))
		}
	default:
		return nil, fmt.Errorf("no access declared")
	}
	return append(chain, rt.handler), nil
}

// Verify fails when the app has a route under /admin that the table does not
// declare (one added by hand, outside Routes, would escape the checks).
func (h *Handler) Verify(app *fiber.App) error {
	for _, r := range app.GetRoutes(true) {
		if r.Method == "HEAD" || !(r.Path == "/admin" || strings.HasPrefix(r.Path, "/admin/")) {
			continue
		}
		if !h.declared[r.Method+" "+strings.TrimSuffix(r.Path, "/")] {
			return fmt.Errorf("admin: %s %s is not declared in admin.Routes", r.Method, r.Path)
		}
	}
	return nil
}
