package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"fmt"
	"image"
	"image/png"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"

	"vivier/jobs/jobstest"
)

// postMultipartFrom sends a multipart form as if forwarded for the client
// address from (the program must trust 127.0.0.1 as its proxy).
func postMultipartFrom(t *testing.T, c *http.Client, u, from string, fields map[string]string, files map[string][]byte) (*http.Response, string) {
	t.Helper()
	return sendMultipart(t, c, u, http.Header{"X-Forwarded-For": {from}}, fields, files, func(field string) string { return field + ".pdf" })
}

// Suggestions read a PDF and query the text search: past a few per minute
// from one address, the next is refused before any of that work.
func TestSuggestionsRateLimited(t *testing.T) {
	t.Parallel()
	p := startProgram(t, "serve", map[string]string{"SUGGEST_RATE_PER_MINUTE": "3", "TRUSTED_PROXIES": "127.0.0.1"})
	c := newClient(t)
	_, page := get(t, c, p.URL+"/offres/suggestions")
	fields := map[string]string{"_csrf": csrfToken(t, page)}
	for i := 0; i < 3; i++ {
		if resp, _ := postMultipartFrom(t, c, p.URL+"/offres/suggestions", "198.51.100.7", fields, map[string][]byte{"cv": []byte("pas un pdf")}); resp.StatusCode != 422 {
			t.Fatalf("suggestions #%d = %d, want 422 (not a PDF)", i+1, resp.StatusCode)
		}
	}
	resp, body := postMultipartFrom(t, c, p.URL+"/offres/suggestions", "198.51.100.7", fields, map[string][]byte{"cv": []byte("pas un pdf")})
	if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" || !strings.Contains(body, "Trop de demandes") {
		t.Fatalf("4th suggestions in a minute = %d (Retry-After %q), want 429 with a French page", resp.StatusCode, resp.Header.Get("Retry-After"))
	}
	// Another address is served.
	if resp, _ := postMultipartFrom(t, c, p.URL+"/offres/suggestions", "198.51.100.8", fields, map[string][]byte{"cv": []byte("pas un pdf")}); resp.StatusCode != 422 {
		t.Fatalf("suggestions from another address = %d", resp.StatusCode)
	}
	// Rankings for a profile: six per CV allowed, then refused.
	ranking := func(from string) (*http.Response, string) {
		req, err := http.NewRequest(http.MethodGet, p.URL+"/offres/suggestions/resultats?competence=1", nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("X-Forwarded-For", from)
		resp, err := c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer func() { _ = resp.Body.Close() }()
		b, err := io.ReadAll(resp.Body)
		if err != nil {
			t.Fatal(err)
		}
		return resp, string(b)
	}
	for i := 0; i < 18; i++ {
		if resp, _ := ranking("198.51.100.9"); resp.StatusCode != 200 {
			t.Fatalf("ranking #%d = %d", i+1, resp.StatusCode)
		}
	}
	if resp, body := ranking("198.51.100.9"); resp.StatusCode != 429 || !strings.Contains(body, "Trop de classements") {
		t.Fatalf("19th ranking in a minute = %d, want 429 with a French page", resp.StatusCode)
	}
}

// The limits of applications apply before the files are read: a flood of
// forms with bad files is refused as a flood, not checked file by file.
func TestApplyLimitBeforeFiles(t *testing.T) {
	t.Parallel()
	// 3 per address, 1 per email.
	p := startDemo(t, "serve", map[string]string{"APPLY_RATE_PER_HOUR": "3", "TRUSTED_PROXIES": "127.0.0.1"})
	o := openOfferWithQuestion(t, p)
	c := newClient(t)
	formURL := p.URL + "/offres/" + itoa(o.ID) + "/postuler"
	_, page := get(t, c, formURL)
	bad := map[string][]byte{"cv": []byte("pas un pdf")}
	for i := 1; i <= 3; i++ {
		resp, _ := postMultipartFrom(t, c, formURL, "198.51.100.1", applyFields(t, page, fmt.Sprintf("a%d@exemple.fr", i)), bad)
		if resp.StatusCode != 422 {
			t.Fatalf("application #%d with a bad file = %d, want 422", i, resp.StatusCode)
		}
	}
	resp, body := postMultipartFrom(t, c, formURL, "198.51.100.1", applyFields(t, page, "a4@exemple.fr"), bad)
	if resp.StatusCode != 429 || !strings.Contains(body, "Trop de candidatures") {
		t.Fatalf("4th application from one address = %d, want 429", resp.StatusCode)
	}
	// Per email, whatever the address, and however it is spelt.
	if resp, _ := postMultipartFrom(t, c, formURL, "198.51.100.2", applyFields(t, page, "meme@exemple.fr"), bad); resp.StatusCode != 422 {
		t.Fatalf("first application of an email = %d, want 422", resp.StatusCode)
	}
	if resp, _ := postMultipartFrom(t, c, formURL, "198.51.100.3", applyFields(t, page, " Meme@Exemple.fr"), bad); resp.StatusCode != 429 {
		t.Fatalf("second application of an email from another address = %d, want 429", resp.StatusCode)
	}
	if n := countRows(t, p, "applications"); n != 0 {
		t.Fatalf("%d applications recorded", n)
	}
}

// rawRequest writes head and then body to the program on a raw connection,
// without finishing the body, and reads the answer: a server that waits for
// the whole body never answers.
func rawRequest(t *testing.T, p *program, head string, body []byte) *http.Response {
	t.Helper()
	conn, err := net.Dial("tcp", strings.TrimPrefix(p.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { jobstest.Close(t, conn) })
	// A guard against a hang, not a measure: the answer comes at once.
	if err := conn.SetDeadline(time.Now().Add(20 * time.Second)); err != nil {
		t.Fatal(err)
	}
	if _, err := io.WriteString(conn, head); err != nil {
		t.Fatal(err)
	}
	if _, err := conn.Write(body); err != nil {
		t.Fatal(err)
	}
	resp, err := http.ReadResponse(bufio.NewReader(conn), nil)
	if err != nil {
		t.Fatalf("no answer before the end of the body: %v", err)
	}
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body = io.NopCloser(bytes.NewReader(b))
	return resp
}

// A route that takes no file refuses a large body, in French, before
// reading it all and before doing anything with it; a route that takes
// files still takes them.
func TestBodyLimitPerRoute(t *testing.T) {
	t.Parallel()
	p := startDemo(t, "serve", map[string]string{"RATE_LIMIT_PER_MINUTE": "1000"})
	c := newClient(t)
	_, page := get(t, c, p.URL+"/admin/mot-de-passe-oublie")
	form := url.Values{"_csrf": {csrfToken(t, page)}, "email": {"recruteur@ville-demo.vivier.test"}, "x": {strings.Repeat("a", 600<<10)}}
	resp, err := c.PostForm(p.URL+"/admin/mot-de-passe-oublie", form)
	if err == nil {
		// The server closes the connection once it has answered, while
		// the client may still send: the read of the answer can then end
		// in an error after the message.
		b, rerr := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 413 || !strings.Contains(string(b), "trop volumineu") {
			t.Fatalf("a 600 KB form = %d (read: %v), want 413 with a French message", resp.StatusCode, rerr)
		}
	} else if !strings.Contains(err.Error(), "reset") && !strings.Contains(err.Error(), "broken pipe") {
		// Answered and closed while the client still sent: a refusal too.
		t.Fatalf("a 600 KB form: %v", err)
	}
	if n := countRows(t, p, "outbox"); n != 0 {
		t.Fatalf("a refused body queued %d outbox rows", n)
	}

	// Announced too large: refused once the headers are read.
	resp = rawRequest(t, p, "POST /suivi HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
		"Content-Length: 31457280\r\n\r\n", bytes.Repeat([]byte("a"), 8<<10))
	if resp.StatusCode != 413 || !resp.Close {
		t.Fatalf("30 MB announced to a form = %d (close %v), want 413 and close", resp.StatusCode, resp.Close)
	}
	// Chunked, no length: refused once the limit (256 KiB) is passed, here
	// by one byte, sent in the middle of a chunk.
	chunk := strings.Repeat("a", 64<<10)
	var chunks bytes.Buffer
	for i := 0; i < 4; i++ {
		fmt.Fprintf(&chunks, "%x\r\n%s\r\n", len(chunk), chunk)
	}
	chunks.WriteString("10\r\na")
	resp = rawRequest(t, p, "POST /suivi HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
		"Transfer-Encoding: chunked\r\n\r\n", chunks.Bytes())
	if resp.StatusCode != 413 || !resp.Close {
		t.Fatalf("256 KiB and a byte chunked to a form = %d, want 413", resp.StatusCode)
	}
	// A compressed body could be any size once inflated.
	resp = rawRequest(t, p, "POST /suivi HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\n"+
		"Content-Encoding: gzip\r\nContent-Length: 4\r\n\r\n", []byte("abcd"))
	if resp.StatusCode != 415 {
		t.Fatalf("a compressed body = %d, want 415", resp.StatusCode)
	}

	// An application with a 1 MB CV.
	o := openOfferWithQuestion(t, p)
	formURL := p.URL + "/offres/" + itoa(o.ID) + "/postuler"
	_, page = get(t, c, formURL)
	cv := largePDF(t)
	if len(cv) < 1<<20 {
		t.Fatalf("the CV is %d bytes", len(cv))
	}
	if resp, body := postApplication(t, c, formURL, applyFields(t, page, "grand@exemple.fr"), map[string][]byte{"cv": cv}); resp.StatusCode != 303 {
		t.Fatalf("an application with a 1 MB CV = %d\n%s", resp.StatusCode, body)
	}
	var size int64
	if err := p.Store().DB().Get(&size, `SELECT size FROM application_files`); err != nil || size != int64(len(cv)) {
		t.Fatalf("stored CV: %d bytes, %v", size, err)
	}
}

// largePDF is a valid PDF of more than 1 MB: a page of noise, which no
// compression shrinks.
func largePDF(t *testing.T) []byte {
	t.Helper()
	img := image.NewNRGBA(image.Rect(0, 0, 620, 620))
	rand.Read(img.Pix)
	for i := 3; i < len(img.Pix); i += 4 {
		img.Pix[i] = 0xff // opaque: fpdf keeps no alpha channel
	}
	var pngData bytes.Buffer
	if err := png.Encode(&pngData, img); err != nil {
		t.Fatal(err)
	}
	f := fpdf.New("P", "mm", "A4", "")
	f.AddPage()
	f.SetFont("Helvetica", "", 12)
	f.Cell(0, 10, "Camille Martin - jardiniere")
	f.RegisterImageOptionsReader("bruit", fpdf.ImageOptions{ImageType: "PNG"}, &pngData)
	f.ImageOptions("bruit", 10, 30, 100, 100, false, fpdf.ImageOptions{ImageType: "PNG"}, 0, "")
	var b bytes.Buffer
	if err := f.Output(&b); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
