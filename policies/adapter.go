package policies

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/casbin/casbin/v2/model"
	"github.com/casbin/casbin/v2/persist"
	"github.com/jmoiron/sqlx"
)

// Adapter is a Casbin persist.Adapter over sqlx. It loads the rules of
// policy.csv (what roles may do, reviewed in git) and the grouping rows of
// the casbin_rules table (which agent holds which role where). Only grouping
// rows are written to the table; the Store writes them too, in the same
// transactions as the audit log.
type Adapter struct {
	db  *sqlx.DB
	csv string
}

var _ persist.Adapter = (*Adapter)(nil)

// NewAdapter returns an adapter on db with the embedded policy.csv.
func NewAdapter(db *sqlx.DB) *Adapter { return &Adapter{db: db, csv: policyCSV} }

type rule struct {
	PType string `db:"ptype"`
	V0    string `db:"v0"`
	V1    string `db:"v1"`
	V2    string `db:"v2"`
	V3    string `db:"v3"`
	V4    string `db:"v4"`
	V5    string `db:"v5"`
}

// LoadPolicy implements persist.Adapter.
func (a *Adapter) LoadPolicy(m model.Model) error {
	sc := bufio.NewScanner(strings.NewReader(a.csv))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		if err := persist.LoadPolicyLine(line, m); err != nil {
			return fmt.Errorf("policy.csv: %q: %w", line, err)
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	var rows []rule
	if err := a.db.SelectContext(ctx, &rows, `SELECT ptype, v0, v1, v2, v3, v4, v5 FROM casbin_rules WHERE ptype = 'g' ORDER BY id`); err != nil {
		return fmt.Errorf("load role assignments: %w", err)
	}
	for _, r := range rows {
		vals := []string{r.PType}
		for _, v := range []string{r.V0, r.V1, r.V2, r.V3, r.V4, r.V5} {
			if v == "" {
				break
			}
			vals = append(vals, v)
		}
		if err := persist.LoadPolicyArray(vals, m); err != nil {
			return fmt.Errorf("role assignment %v: %w", vals, err)
		}
	}
	return nil
}

var errReadOnly = errors.New("policies: what roles may do is edited in policy.csv, not at run time")

// SavePolicy implements persist.Adapter; the rules are not saved wholesale.
func (a *Adapter) SavePolicy(model.Model) error { return errReadOnly }

// AddPolicy implements persist.Adapter for grouping rows.
func (a *Adapter) AddPolicy(sec, ptype string, r []string) error {
	if ptype != "g" || len(r) != 3 {
		return errReadOnly
	}
	_, err := a.db.Exec(`INSERT INTO casbin_rules (ptype, v0, v1, v2) VALUES ('g', $1, $2, $3) ON CONFLICT DO NOTHING`, r[0], r[1], r[2])
	return err
}

// RemovePolicy implements persist.Adapter for grouping rows.
func (a *Adapter) RemovePolicy(sec, ptype string, r []string) error {
	if ptype != "g" || len(r) != 3 {
		return errReadOnly
	}
	_, err := a.db.Exec(`DELETE FROM casbin_rules WHERE ptype = 'g' AND v0 = $1 AND v1 = $2 AND v2 = $3`, r[0], r[1], r[2])
	return err
}

// RemoveFilteredPolicy implements persist.Adapter.
func (a *Adapter) RemoveFilteredPolicy(sec, ptype string, fieldIndex int, fieldValues ...string) error {
	return errReadOnly
}
