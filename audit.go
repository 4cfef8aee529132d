package vivier

import (
	"encoding/json"
	"time"
)

// Actor is who makes a change, for the audit log.
type Actor struct {
	AgentID int64
	Email   string
	IP      string
}

// AuditEntry is one line of the audit log: who did what, in which
// administration, when and from where, with a summary of before and after.
type AuditEntry struct {
	ID               int64           `db:"id"`
	AdministrationID *int64          `db:"administration_id"`
	AgentID          *int64          `db:"agent_id"`
	AgentEmail       string          `db:"agent_email"`
	Action           string          `db:"action"`
	Target           string          `db:"target"`
	Summary          json.RawMessage `db:"summary"`
	IP               string          `db:"ip"`
	CreatedAt        time.Time       `db:"created_at"`
}

// Audit actions, with their French labels for the log's screen.
var AuditActions = map[string]string{
	"application.attached":            "Candidature spontanée rattachée à une offre",
	"application.moved":               "Candidature changée d'étape",
	"interview.invited":               "Invitation à un entretien",
	"email_template.saved":            "Modèle de courriel enregistré",
	"email_template.reset":            "Modèle de courriel remis par défaut",
	"administration.response_days":    "Délai de réponse promis modifié",
	"agent.sign_in":                   "Connexion",
	"agent.sign_in_failed":            "Échec de connexion",
	"agent.locked":                    "Compte bloqué après trop de tentatives",
	"agent.password_reset":            "Mot de passe réinitialisé",
	"agent.invited":                   "Invitation envoyée",
	"agent.invitation_accepted":       "Invitation acceptée",
	"agent.invitation_cancelled":      "Invitation annulée",
	"agent.role_changed":              "Rôle modifié",
	"agent.removed":                   "Agent retiré",
	"administration.created":          "Administration créée",
	"offer.created":                   "Offre créée",
	"offer.updated":                   "Offre modifiée",
	"offer.scheduled":                 "Publication d'offre programmée",
	"offer.published":                 "Offre publiée",
	"offer.closed":                    "Offre clôturée",
	"offer.archived":                  "Offre archivée",
	"offer.draft":                     "Offre repassée en brouillon",
	"offer.duplicated":                "Offre dupliquée",
	"offer.validation.submitted":      "Offre soumise à validation",
	"offer.validation.approved":       "Offre validée",
	"offer.validation.returned":       "Offre retournée à son auteur",
	"offer.validation.resubmitted":    "Offre renvoyée à la validation par une modification",
	"administration.validation":       "Règles de validation des offres modifiées",
	"metier.created":                  "Métier ajouté",
	"metier.renamed":                  "Métier renommé",
	"metier.deactivated":              "Métier désactivé",
	"metier.reactivated":              "Métier réactivé",
	"competence.created":              "Compétence ajoutée",
	"competence.renamed":              "Compétence renommée",
	"competence.deactivated":          "Compétence désactivée",
	"competence.reactivated":          "Compétence réactivée",
	"legal_page.updated":              "Page légale modifiée",
	"administration.updated":          "Administration modifiée",
	"administration.suspended":        "Administration suspendue",
	"administration.reactivated":      "Administration réactivée",
	"brand.theme_updated":             "Page employeur : thème modifié",
	"brand.block_added":               "Page employeur : bloc ajouté",
	"brand.block_updated":             "Page employeur : bloc modifié",
	"brand.block_moved":               "Page employeur : bloc déplacé",
	"brand.block_removed":             "Page employeur : bloc supprimé",
	"brand.published":                 "Page employeur publiée",
	"brand.restored":                  "Page employeur : version restaurée dans le brouillon",
	"api_token.created":               "Jeton d'API créé",
	"api_token.revoked":               "Jeton d'API révoqué",
	"task.retried":                    "Tâche en échec relancée",
	"task.retried_all":                "Toutes les tâches en échec relancées",
	"agent.deactivated":               "Compte désactivé après une longue inactivité",
	"administration.retention":        "Durée de conservation des candidatures modifiée",
	"application.assigned":            "Candidatures assignées à un agent",
	"application.unassigned":          "Agent retiré d'une candidature",
	"application.documents_requested": "Pièces demandées à la personne candidate",
	"board.created":                   "Jury créé",
	"board.updated":                   "Jury : réglages modifiés",
	"board.tie_rule_set":              "Jury : règle de départage choisie",
	"board.criteria_set":              "Jury : grille de critères enregistrée",
	"board.member_added":              "Jury : membre ajouté",
	"board.member_removed":            "Jury : membre retiré",
	"board.president_set":             "Jury : présidence désignée",
	"board.applications_assigned":     "Jury : candidatures confiées",
	"board.application_unassigned":    "Jury : candidature retirée",
	"board.marks_saved":               "Jury : notes enregistrées",
	"board.conflict_declared":         "Jury : conflit d'intérêts déclaré",
	"board.marking_closed":            "Jury : notation close",
	"board.list_placed":               "Jury : candidature placée sur une liste",
	"board.list_removed":              "Jury : candidature retirée d'une liste",
	"board.lists_drawn":               "Jury : listes dressées",
	"board.arrested":                  "Jury : résultats arrêtés",
}

// ActionLabel returns the French label of an audit action.
func (e AuditEntry) ActionLabel() string {
	if l, ok := AuditActions[e.Action]; ok {
		return l
	}
	return e.Action
}

// SummaryText returns the summary as compact JSON for display.
func (e AuditEntry) SummaryText() string {
	if len(e.Summary) == 0 || string(e.Summary) == "{}" {
		return ""
	}
	return string(e.Summary)
}

// AuditFilter narrows the audit log's screen.
type AuditFilter struct {
	Action string
	Agent  string // part of the agent's email
	From   time.Time
	To     time.Time
	Before int64 // entries older than this id (paging)
	Limit  int
}

func nullTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}
