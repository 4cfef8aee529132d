package admin

import (
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"vivier/templates"
)

// pager is the paging of a long list: where the reader is ("page 2 sur
// 7") and the links around, each keeping the list's filters.
type pager struct {
	Label       string // names the navigation for screen readers
	Page, Pages int
	First, Prev string // "" on the first page
	Next, Last  string // "" on the last page
}

// newPager pages base?query: query holds the list's filters, page is
// added to each link.
func newPager(label, base string, query url.Values, page, pages int) pager {
	link := func(n int) string {
		v := url.Values{}
		for k, vs := range query {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(n))
		return base + "?" + v.Encode()
	}
	p := pager{Label: label, Page: page, Pages: pages}
	if page > 1 {
		p.First, p.Prev = link(1), link(page-1)
	}
	if page < pages {
		p.Next, p.Last = link(page+1), link(pages)
	}
	return p
}

// withQuery is base with the list's filters, "" values left out.
func withQuery(base string, query url.Values) string {
	v := url.Values{}
	for k, vs := range query {
		if len(vs) > 0 && vs[0] != "" {
			v[k] = vs
		}
	}
	if len(v) == 0 {
		return base
	}
	return base + "?" + v.Encode()
}

// listQuery reads the named query parameters that are set, for links that
// keep a list's filters.
func listQuery(c *fiber.Ctx, names ...string) url.Values {
	v := url.Values{}
	for _, n := range names {
		if s := c.Query(n); s != "" {
			v.Set(n, s)
		}
	}
	return v
}

// without is a copy of query without the named parameter.
func without(query url.Values, name string) url.Values {
	v := url.Values{}
	for k, vs := range query {
		if k != name {
			v[k] = vs
		}
	}
	return v
}

// pageAndDirection reads a list's page and its direction (an
// administration of the tree, 0 for all of it): a malformed one is refused.
func pageAndDirection(c *fiber.Ctx) (page int, direction int64, err error) {
	if page, err = templates.QueryPage(c); err != nil {
		return 0, 0, err
	}
	direction, err = templates.QueryID(c, "direction")
	return page, direction, err
}
