package policies

import (
	"fmt"
	"regexp"
	"strings"
)

// Permission is a resource and an action, written "resource:action" here and
// "p, role, resource, action" in policy.csv. Code names a permission by one
// of the constants below, never by a string: a misspelt constant does not
// compile, and the back office refuses to start while a constant is granted
// to no role in policy.csv (Enforcer.Unknown).
type Permission string

// The permissions that the back office checks, by resource.
const (
	DashboardRead Permission = "dashboard:read"

	OffersRead    Permission = "offers:read"
	OffersEdit    Permission = "offers:edit"
	OffersPublish Permission = "offers:publish"
	// OffersValidate approves or returns the offers that an
	// administration's setting sends to validation before publication.
	OffersValidate Permission = "offers:validate"

	// ApplicationsReadAssigned reads the applications assigned to the agent
	// (a jury member); ApplicationsRead reads them all.
	ApplicationsReadAssigned Permission = "applications:read_assigned"
	ApplicationsRead         Permission = "applications:read"
	ApplicationsDecide       Permission = "applications:decide"
	ApplicationsComment      Permission = "applications:comment"
	CandidatesMerge          Permission = "candidates:merge"
	PipelineManage           Permission = "pipeline:manage"

	StatisticsRead   Permission = "statistics:read"
	ExportsRun       Permission = "exports:run"
	ExportsConfigure Permission = "exports:configure"

	BrandEdit             Permission = "brand:edit"
	TemplatesEdit         Permission = "templates:edit"
	NotificationsManage   Permission = "notifications:manage"
	AgentsManage          Permission = "agents:manage"
	AdministrationsManage Permission = "administrations:manage"
	AuditRead             Permission = "audit:read"
	APITokensManage       Permission = "api_tokens:manage"
	CSPManage             Permission = "csp:manage"

	// IdentitiesReveal shows an agent a masked applicant's identity before
	// the step of the offer's anonymised screening.
	IdentitiesReveal Permission = "identities:reveal"
	// BoardsManage creates selection boards and gives them applications;
	// BoardsMark opens one's marking pages (sitting on the board is checked
	// by the Store).
	BoardsManage Permission = "boards:manage"
	BoardsMark   Permission = "boards:mark"
	// ProfilesRead searches and opens the public agents' mobility profiles
	// shown to the administration (each opening is logged for the agent);
	// ProfilesInvite invites one to apply to an offer.
	ProfilesRead   Permission = "profiles:read"
	ProfilesInvite Permission = "profiles:invite"

	PlatformManage Permission = "platform:manage"
)

// All lists every permission constant, for the start-up check against
// policy.csv. A test keeps it complete.
func All() []Permission {
	return []Permission{
		DashboardRead,
		OffersRead, OffersEdit, OffersPublish, OffersValidate,
		ApplicationsReadAssigned, ApplicationsRead, ApplicationsDecide, ApplicationsComment, CandidatesMerge, PipelineManage,
		StatisticsRead, ExportsRun, ExportsConfigure,
		BrandEdit, TemplatesEdit, NotificationsManage, AgentsManage, AdministrationsManage, AuditRead, APITokensManage, CSPManage,
		IdentitiesReveal,
		BoardsManage, BoardsMark,
		ProfilesRead, ProfilesInvite,
		PlatformManage,
	}
}

func (p Permission) String() string { return string(p) }

// Resource is what the permission is about ("offers").
func (p Permission) Resource() string {
	r, _, _ := strings.Cut(string(p), ":")
	return r
}

// Action is what the permission allows on its resource ("publish").
func (p Permission) Action() string {
	_, a, _ := strings.Cut(string(p), ":")
	return a
}

var permissionRE = regexp.MustCompile(`^[a-z][a-z_]{0,39}:[a-z][a-z_]{0,39}$`)

// ParsePermission reads "resource:action".
func ParsePermission(s string) (Permission, error) {
	if !permissionRE.MatchString(s) {
		return "", fmt.Errorf("permission %q: want resource:action in lowercase letters and _", s)
	}
	return Permission(s), nil
}
