package policies

import (
	"fmt"
	"regexp"
	"strings"
)

// Permission is a resource and an action, written "resource:action" in the
// route declarations and "p, role, resource, action" in policy.csv.
type Permission struct {
	Resource string
	Action   string
}

func (p Permission) String() string { return p.Resource + ":" + p.Action }

var permissionRE = regexp.MustCompile(`^[a-z][a-z_]{0,39}:[a-z][a-z_]{0,39}$`)

// ParsePermission reads "resource:action".
func ParsePermission(s string) (Permission, error) {
	if !permissionRE.MatchString(s) {
		return Permission{}, fmt.Errorf("permission %q: want resource:action in lowercase letters and _", s)
	}
	r, a, _ := strings.Cut(s, ":")
	return Permission{Resource: r, Action: a}, nil
}
