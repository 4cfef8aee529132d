package main

import (
	"bufio"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"vivier/jobs/jobstest"
)

// Each route given a large body exists (a renamed route would silently fall
// back to the small limit), and the matcher tells them from their
// neighbours.
func TestFileRoutesExist(t *testing.T) {
	t.Parallel()
	p := startProgram(t, "serve", nil)
	declared := map[string]bool{}
	for _, r := range p.app.GetRoutes(true) {
		declared[r.Method+" "+r.Path] = true
	}
	for _, r := range fileRoutes {
		if !declared[r] {
			t.Errorf("%s takes files but is not a route", r)
		}
	}
	l := newBodyLimits(100, 10)
	for _, c := range []struct {
		method, path string
		want         int
	}{
		{"POST", "/offres/12/postuler", 100},
		{"POST", "/Offres/12/postuler/", 100},
		{"GET", "/offres/12/postuler", 10},
		{"POST", "/offres/12/postuler/envoyee", 10},
		{"POST", "/offres/suggestions", 100},
		{"POST", "/admin/ville-demo/marque/blocs/b1", 100},
		{"POST", "/admin/ville-demo/marque/blocs", 10},
		{"POST", "/admin/connexion", 10},
		{"POST", "/suivi", 10},
		{"POST", "/mobilite/profil", 100},
		{"POST", "/mobilite/profil/prolongation", 10},
	} {
		if got := l.limitFor(c.method, c.path); got != c.want {
			t.Errorf("%s %s: limit %d, want %d", c.method, c.path, got, c.want)
		}
	}
}

// A chunked form within the limit reaches its handler whole.
func TestChunkedFormWithinLimit(t *testing.T) {
	t.Parallel()
	p := startProgram(t, "serve", nil)
	c := newClient(t)
	_, page := get(t, c, p.URL+"/admin/mot-de-passe-oublie")
	u, err := url.Parse(p.URL)
	if err != nil {
		t.Fatal(err)
	}
	var cookies []string
	for _, ck := range c.Jar.Cookies(u) {
		cookies = append(cookies, ck.Name+"="+ck.Value)
	}
	body := url.Values{"_csrf": {csrfToken(t, page)}, "email": {"quelqu.un@exemple.fr"}}.Encode()
	resp := rawRequest(t, p, "POST /admin/mot-de-passe-oublie HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
		"Cookie: "+strings.Join(cookies, "; ")+"\r\nTransfer-Encoding: chunked\r\n\r\n",
		[]byte(fmt.Sprintf("%x\r\n%s\r\n%x\r\n%s\r\n0\r\n\r\n", 10, body[:10], len(body)-10, body[10:])))
	if resp.StatusCode != 200 || countRows(t, p, "outbox") != 1 {
		t.Fatalf("a small chunked form = %d, want 200 and a reset email queued", resp.StatusCode)
	}
}

// A request answered without its body being read (here an unknown method,
// refused by the router before any middleware) closes its connection: the
// body is never taken for the next request.
func TestUnreadBodyClosesConnection(t *testing.T) {
	t.Parallel()
	p := startProgram(t, "serve", nil)
	inner := "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n"
	conn, err := net.Dial("tcp", strings.TrimPrefix(p.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	defer jobstest.Close(t, conn)
	if err := conn.SetDeadline(time.Now().Add(20 * time.Second)); err != nil { // a guard against a hang
		t.Fatal(err)
	}
	// The server reads 8 KiB ahead with the headers; the rest of the body
	// is left on the connection.
	body := strings.Repeat("x", 8<<10) + inner
	if _, err := fmt.Fprintf(conn, "BREW / HTTP/1.1\r\nHost: x\r\nContent-Length: %d\r\n\r\n%s", len(body), body); err != nil {
		t.Fatal(err)
	}
	r := bufio.NewReader(conn)
	resp, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		t.Fatal(err)
	}
	if second, err := http.ReadResponse(r, nil); err == nil {
		t.Fatalf("the body of a refused request was served as a request: %d", second.StatusCode)
	}
}
