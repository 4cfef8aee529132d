// Package policies decides who may do what: the Casbin model (model.conf),
// what each role may do (policy.csv), agents' roles per administration (in
// PostgreSQL, through Adapter), and the administration tree, so that a role
// held on a ministry holds on its directions. Every instance reloads within a
// second when roles or the tree change (PostgreSQL LISTEN/NOTIFY).
package policies

import (
	"context"
	_ "embed"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/casbin/casbin/v2"
	"github.com/casbin/casbin/v2/model"
	"github.com/jmoiron/sqlx"

	"vivier"
)

//go:embed model.conf
var modelConf string

//go:embed policy.csv
var policyCSV string

// Enforcer answers "may this agent do this in this administration?".
type Enforcer struct {
	db    *sqlx.DB
	casbn *casbin.SyncedEnforcer
	known map[Permission]bool

	mu        sync.RWMutex
	parents   map[int64]int64 // child id → parent id
	suspended map[int64]bool
}

// New loads the model, the rules and the current role assignments.
func New(ctx context.Context, db *sqlx.DB) (*Enforcer, error) {
	m, err := model.NewModelFromString(modelConf)
	if err != nil {
		return nil, fmt.Errorf("policies: model.conf: %w", err)
	}
	e := &Enforcer{db: db, known: map[Permission]bool{}}
	for _, line := range strings.Split(policyCSV, "\n") {
		f := strings.Split(line, ",")
		if len(f) == 4 && strings.TrimSpace(f[0]) == "p" {
			e.known[Permission(strings.TrimSpace(f[2])+":"+strings.TrimSpace(f[3]))] = true
		}
	}
	if err := e.loadTree(ctx); err != nil {
		return nil, err
	}
	ce, err := casbin.NewSyncedEnforcer(m, NewAdapter(db))
	if err != nil {
		return nil, fmt.Errorf("policies: %w", err)
	}
	ce.AddNamedDomainMatchingFunc("g", "hierarchy", e.covers)
	if err := ce.LoadPolicy(); err != nil {
		return nil, fmt.Errorf("policies: %w", err)
	}
	e.casbn = ce
	return e, nil
}

// covers reports whether a role held on domain pattern applies in domain
// dom: "*" covers everything, an administration covers its descendants.
func (e *Enforcer) covers(dom, pattern string) bool {
	if pattern == vivier.PlatformDomain {
		return true
	}
	id, ok1 := domainID(dom)
	anc, ok2 := domainID(pattern)
	if !ok1 || !ok2 {
		return false
	}
	e.mu.RLock()
	defer e.mu.RUnlock()
	for depth := 0; depth < 32; depth++ { // the tree is shallow; a cycle must not hang us
		p, ok := e.parents[id]
		if !ok {
			return false
		}
		if p == anc {
			return true
		}
		id = p
	}
	return false
}

func domainID(dom string) (int64, bool) {
	s, ok := strings.CutPrefix(dom, "adm:")
	if !ok {
		return 0, false
	}
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil
}

func (e *Enforcer) loadTree(ctx context.Context) error {
	var rows []struct {
		ID       int64  `db:"id"`
		ParentID *int64 `db:"parent_id"`
		Status   string `db:"status"`
	}
	if err := e.db.SelectContext(ctx, &rows, `SELECT id, parent_id, status FROM administrations`); err != nil {
		return fmt.Errorf("policies: administration tree: %w", err)
	}
	parents, suspended := map[int64]int64{}, map[int64]bool{}
	for _, r := range rows {
		if r.ParentID != nil {
			parents[r.ID] = *r.ParentID
		}
		if r.Status == "suspended" {
			suspended[r.ID] = true
		}
	}
	e.mu.Lock()
	e.parents, e.suspended = parents, suspended
	e.mu.Unlock()
	return nil
}

// Reload reads the tree and the role assignments again.
func (e *Enforcer) Reload(ctx context.Context) error {
	if err := e.loadTree(ctx); err != nil {
		return err
	}
	if err := e.casbn.LoadPolicy(); err != nil {
		return fmt.Errorf("policies: reload: %w", err)
	}
	return nil
}

// Known reports whether policy.csv grants the permission to some role: a
// route naming an unknown permission is a typo that would lock everyone out.
func (e *Enforcer) Known(p Permission) bool { return e.known[p] }

// Unknown lists the permission constants that policy.csv grants to no role:
// a route or a check naming one would be closed to everyone.
func (e *Enforcer) Unknown() []Permission {
	var missing []Permission
	for _, p := range All() {
		if !e.known[p] {
			missing = append(missing, p)
		}
	}
	return missing
}

// Allowed reports whether the agent may do p in the administration.
func (e *Enforcer) Allowed(agentID, adminID int64, p Permission) (bool, error) {
	return e.casbn.Enforce(vivier.AgentSubject(agentID), vivier.AdministrationDomain(adminID), p.Resource(), p.Action())
}

// AllowedOnPlatform reports whether the agent may do p across the platform.
func (e *Enforcer) AllowedOnPlatform(agentID int64, p Permission) (bool, error) {
	return e.casbn.Enforce(vivier.AgentSubject(agentID), vivier.PlatformDomain, p.Resource(), p.Action())
}

// Suspended reports whether the administration or one of its ancestors is
// suspended.
func (e *Enforcer) Suspended(adminID int64) bool {
	e.mu.RLock()
	defer e.mu.RUnlock()
	for depth := 0; depth < 32; depth++ {
		if e.suspended[adminID] {
			return true
		}
		p, ok := e.parents[adminID]
		if !ok {
			return false
		}
		adminID = p
	}
	return false
}

// reloadDelay gathers the notifications of one transaction (several rows,
// several tables) into one reload.
const reloadDelay = 50 * time.Millisecond
