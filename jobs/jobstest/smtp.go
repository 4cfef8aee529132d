package jobstest

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// Message is an email the SMTP capture received.
type Message struct {
	From    string
	To      []string
	Raw     []byte
	Header  mail.Header
	Subject string // decoded
	Text    string // the text/plain part, decoded
	HTML    string // the text/html part, decoded
	// Attachments are the parts sent as attachments, decoded.
	Attachments []Attachment
	// Conn numbers the connection it came over, from 1 in the order they
	// were opened: messages that share one came over the same connection.
	Conn int
	// Received is when the server accepted it.
	Received time.Time
}

// Attachment is an attached part of a captured message.
type Attachment struct {
	Name        string
	ContentType string // the whole header, parameters included
	Data        []byte
}

// SMTP is an in-process SMTP server that keeps every message it accepts.
type SMTP struct {
	Addr string
	URL  string // smtp://addr, for NewMailer

	mu       sync.Mutex
	messages []Message
	rejects  []*smtp.SMTPError // answers to the next DATA commands
	refusing bool              // every DATA command fails with 421 while set
	delay    time.Duration     // how long DATA takes to answer
	begun    int               // DATA commands received, answered or not
	conns    int               // connections opened
	open     map[int]net.Conn  // connections not yet closed, by number
	arrived  chan struct{}
}

// NewSMTP starts a capture on a free loopback port, stopped when the test ends.
func NewSMTP(t testing.TB) *SMTP {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatalf("smtp capture: %v", err)
	}
	c := &SMTP{Addr: l.Addr().String(), URL: "smtp://" + l.Addr().String(), arrived: make(chan struct{}, 1000), open: map[int]net.Conn{}}
	srv := smtp.NewServer(backend{c})
	srv.Domain = "capture.vivier.test"
	srv.AllowInsecureAuth = true
	srv.ReadTimeout = 10 * time.Second
	srv.WriteTimeout = 10 * time.Second
	go func() { _ = srv.Serve(l) }() // it ends with an error when Close stops it
	t.Cleanup(func() { Close(t, srv) })
	return c
}

// RejectNext makes the next DATA commands fail with these SMTP codes (421,
// 451: temporary; 550, 554: permanent).
func (c *SMTP) RejectNext(codes ...int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, code := range codes {
		c.rejects = append(c.rejects, &smtp.SMTPError{Code: code, Message: "refused by the test"})
	}
}

// SetRefusing makes every DATA command fail with a temporary 421 while on:
// a server that is down for as long as the test decides.
func (c *SMTP) SetRefusing(on bool) {
	c.mu.Lock()
	c.refusing = on
	c.mu.Unlock()
}

// SetDelay makes each DATA command answer after d: a slow server, to test
// what happens to a sending in flight.
func (c *SMTP) SetDelay(d time.Duration) {
	c.mu.Lock()
	c.delay = d
	c.mu.Unlock()
}

// Begun counts the messages whose DATA command was received, answered or
// not: with SetDelay, a test knows when a sending is in flight.
func (c *SMTP) Begun() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.begun
}

// Conns counts the connections opened so far.
func (c *SMTP) Conns() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.conns
}

// Open counts the connections open now: a client that said goodbye (QUIT)
// or was dropped is no longer counted.
func (c *SMTP) Open() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.open)
}

// DropConnections closes every open connection without a word, as a server
// does to clients idle for too long or when it restarts.
func (c *SMTP) DropConnections() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for n, conn := range c.open {
		_ = conn.Close() // already closed by the client: nothing to do
		delete(c.open, n)
	}
}

// Messages returns what was received so far.
func (c *SMTP) Messages() []Message {
	c.mu.Lock()
	defer c.mu.Unlock()
	return append([]Message(nil), c.messages...)
}

// Wait waits until n messages have arrived (failing the test after timeout)
// and returns them.
func (c *SMTP) Wait(t testing.TB, n int, timeout time.Duration) []Message {
	t.Helper()
	deadline := time.After(timeout)
	for {
		// Counted without a copy: a benchmark waits for thousands.
		c.mu.Lock()
		got := len(c.messages)
		c.mu.Unlock()
		if got >= n {
			return c.Messages()
		}
		select {
		case <-c.arrived:
		case <-deadline:
			t.Fatalf("smtp capture: %d message(s) after %s, want %d", len(c.Messages()), timeout, n)
		}
	}
}

type backend struct{ c *SMTP }

func (b backend) NewSession(conn *smtp.Conn) (smtp.Session, error) {
	b.c.mu.Lock()
	defer b.c.mu.Unlock()
	b.c.conns++
	b.c.open[b.c.conns] = conn.Conn()
	return &session{c: b.c, conn: b.c.conns}, nil
}

type session struct {
	c    *SMTP
	conn int
	from string
	to   []string
}

func (s *session) Reset() { s.from, s.to = "", nil }

func (s *session) Logout() error {
	s.c.mu.Lock()
	delete(s.c.open, s.conn)
	s.c.mu.Unlock()
	return nil
}

func (s *session) Mail(from string, _ *smtp.MailOptions) error { s.from = from; return nil }

func (s *session) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}

func (s *session) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.c.mu.Lock()
	s.c.begun++
	delay := s.c.delay
	s.c.mu.Unlock()
	time.Sleep(delay) // a slow server
	s.c.mu.Lock()
	if s.c.refusing {
		s.c.mu.Unlock()
		return &smtp.SMTPError{Code: 421, Message: "down for the test"}
	}
	if len(s.c.rejects) > 0 {
		rej := s.c.rejects[0]
		s.c.rejects = s.c.rejects[1:]
		s.c.mu.Unlock()
		return rej
	}
	s.c.mu.Unlock()
	m := parse(raw)
	m.From, m.To, m.Conn, m.Received = s.from, s.to, s.conn, time.Now()
	s.c.mu.Lock()
	s.c.messages = append(s.c.messages, m)
	s.c.mu.Unlock()
	s.c.arrived <- struct{}{}
	return nil
}

// parse decodes the parts a test looks at; a message it cannot read keeps
// its raw bytes only.
func parse(raw []byte) Message {
	m := Message{Raw: raw}
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return m
	}
	m.Header = msg.Header
	dec := new(mime.WordDecoder)
	if s, err := dec.DecodeHeader(msg.Header.Get("Subject")); err == nil {
		m.Subject = s
	}
	walk(&m, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
	return m
}

func walk(m *Message, contentType, encoding string, body io.Reader) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = "text/plain"
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err != nil {
				return
			}
			if _, dp, err := mime.ParseMediaType(p.Header.Get("Content-Disposition")); err == nil && dp["filename"] != "" {
				m.Attachments = append(m.Attachments, Attachment{Name: dp["filename"], ContentType: p.Header.Get("Content-Type"),
					Data: decode(p.Header.Get("Content-Transfer-Encoding"), p)})
				continue
			}
			walk(m, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p)
		}
	}
	b := decode(encoding, body)
	switch mt {
	case "text/plain":
		m.Text = string(b)
	case "text/html":
		m.HTML = string(b)
	}
}

func decode(encoding string, body io.Reader) []byte {
	var r io.Reader = body
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		r = quotedprintable.NewReader(body)
	case "base64":
		r = base64.NewDecoder(base64.StdEncoding, body)
	}
	// A part that does not decode is cut where it fails: the test's
	// assertions on the text then fail, which says more than an error here.
	b, _ := io.ReadAll(r)
	return b
}
