package jobs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	netmail "net/mail"
	"net/textproto"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/hibiken/asynq"
	mail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"

	"vivier"
	"vivier/templates"
)

// Mailer sends emails over SMTP with go-mail. Its connections are kept open
// between emails (smtpPool), each carrying one email at a time: go-mail's
// client is not meant to be shared by concurrent tasks.
type Mailer struct {
	host    string
	opts    []mail.Option
	from    string
	domain  string // of the From address: our Message-IDs name it, which DKIM alignment expects
	replyTo string
	pool    *smtpPool
}

// SetReplyTo gives every email a Reply-To (a mailbox that is read), in place
// of replies going to the From address nobody reads.
func (m *Mailer) SetReplyTo(addr string) error {
	if addr == "" {
		m.replyTo = ""
		return nil
	}
	a, err := netmail.ParseAddress(addr)
	if err != nil {
		return fmt.Errorf("reply-to %q: %w", addr, err)
	}
	m.replyTo = a.String()
	return nil
}

// NewMailer reads an SMTP URL: smtp://[user:password@]host[:port][?tls=none|
// opportunistic|mandatory], or smtps:// for TLS from the first byte. Without
// ?tls, loopback hosts (a local sink) get none and others mandatory.
func NewMailer(rawURL, from string) (*Mailer, error) {
	u, err := url.Parse(rawURL)
	if err == nil {
		rawURL = u.Redacted() // for the messages below
	}
	if err != nil || u.Hostname() == "" {
		return nil, fmt.Errorf("SMTP URL %q: expected smtp://host:port", rawURL)
	}
	host := u.Hostname()
	opts := []mail.Option{mail.WithTimeout(mailTimeout)}
	switch u.Scheme {
	case "smtp":
		port := 25
		if p := u.Port(); p != "" {
			if port, err = strconv.Atoi(p); err != nil {
				return nil, fmt.Errorf("SMTP URL %q: bad port", rawURL)
			}
		}
		opts = append(opts, mail.WithPort(port))
		policy := u.Query().Get("tls")
		if policy == "" {
			policy = "mandatory"
			if ip := net.ParseIP(host); host == "localhost" || (ip != nil && ip.IsLoopback()) {
				policy = "none"
			}
		}
		switch policy {
		case "none":
			opts = append(opts, mail.WithTLSPolicy(mail.NoTLS))
		case "opportunistic":
			opts = append(opts, mail.WithTLSPolicy(mail.TLSOpportunistic))
		case "mandatory":
			opts = append(opts, mail.WithTLSPolicy(mail.TLSMandatory))
		default:
			return nil, fmt.Errorf("SMTP URL %q: tls must be none, opportunistic or mandatory", rawURL)
		}
	case "smtps":
		port := 465
		if p := u.Port(); p != "" {
			if port, err = strconv.Atoi(p); err != nil {
				return nil, fmt.Errorf("SMTP URL %q: bad port", rawURL)
			}
		}
		opts = append(opts, mail.WithSSL(), mail.WithPort(port))
	default:
		return nil, fmt.Errorf("SMTP URL %q: scheme must be smtp or smtps", rawURL)
	}
	if u.User != nil {
		pw, _ := u.User.Password()
		opts = append(opts, mail.WithSMTPAuth(mail.SMTPAuthAutoDiscover),
			mail.WithUsername(u.User.Username()), mail.WithPassword(pw))
	}
	addr, err := netmail.ParseAddress(from)
	if err != nil || !strings.Contains(addr.Address, "@") {
		return nil, fmt.Errorf("sender %q: expected Name <address@domain>", from)
	}
	m := &Mailer{host: host, opts: opts, from: from, domain: addr.Address[strings.LastIndex(addr.Address, "@")+1:]}
	m.pool = newSMTPPool(m.dial, 10)
	return m, nil
}

// dial opens a conversation: go-mail connects, says EHLO and applies the
// TLS policy and the authentication that NewMailer configured.
func (m *Mailer) dial(ctx context.Context) (*smtpConn, error) {
	client, err := mail.NewClient(m.host, m.opts...)
	if err != nil {
		return nil, err
	}
	sc, err := client.DialToSMTPClientWithContext(ctx)
	if err != nil {
		return nil, err
	}
	return &smtpConn{client: client, sc: sc}, nil
}

// KeepConnections sets how many idle SMTP connections are kept open: one
// per task that may send at once.
func (m *Mailer) KeepConnections(n int) { m.pool.resize(n) }

// CloseConnections says goodbye on the idle SMTP connections, once nothing
// sends any more.
func (m *Mailer) CloseConnections() { m.pool.close() }

// mailTimeout bounds a connection's opening, then each email's exchange.
const mailTimeout = 20 * time.Second

// Outgoing is an email ready to go.
type Outgoing struct {
	To          string
	Email       templates.Email
	Headers     map[string]string
	Attachments []Attachment
	// Unsubscribe, for digests, is the one-click unsubscribe URL (RFC 8058):
	// mail clients show an "unsubscribe" button that POSTs to it.
	Unsubscribe string
}

// Attachment is a file joined to an email (an interview's invitation.ics).
type Attachment struct {
	Name        string
	ContentType string // with its parameters: "text/calendar; method=REQUEST"
	Data        []byte
}

// BounceError is a permanent refusal by the SMTP server (5xx): the same
// email would be refused again, so it is not retried, and the worker records
// the bounce.
type BounceError struct {
	Code    int
	Message string
	err     error
}

func (e *BounceError) Error() string { return "mailer: refused: " + e.err.Error() }

// Unwrap lets errors.Is find asynq.SkipRetry: Asynq archives the task.
func (e *BounceError) Unwrap() []error { return []error{e.err, asynq.SkipRetry} }

// Send hands one email to the SMTP server and returns its Message-Id. Every
// email Vivier sends is automatic: Auto-Submitted (RFC 3834) keeps
// out-of-office replies away.
func (m *Mailer) Send(ctx context.Context, o Outgoing) (string, error) {
	msg := mail.NewMsg()
	if err := msg.From(m.from); err != nil {
		return "", fmt.Errorf("mailer: from %q: %w", m.from, err)
	}
	if err := msg.To(o.To); err != nil {
		return "", fmt.Errorf("mailer: to %q: %w: %w", o.To, err, asynq.SkipRetry)
	}
	if m.replyTo != "" {
		if err := msg.ReplyTo(m.replyTo); err != nil {
			return "", fmt.Errorf("mailer: reply-to: %w", err)
		}
	}
	msg.Subject(o.Email.Subject)
	msg.SetDate()
	msg.SetMessageIDWithValue(uuid.NewString() + "@" + m.domain)
	msg.SetGenHeader(mail.HeaderContentLang, "fr")
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	if o.Unsubscribe != "" {
		msg.SetGenHeader(mail.HeaderListUnsubscribe, "<"+o.Unsubscribe+">")
		msg.SetGenHeader(mail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	}
	for k, v := range o.Headers {
		msg.SetGenHeader(mail.Header(k), v)
	}
	msg.SetBodyString(mail.TypeTextPlain, o.Email.Text)
	msg.AddAlternativeString(mail.TypeTextHTML, o.Email.HTML)
	for _, a := range o.Attachments {
		if err := msg.AttachReader(a.Name, bytes.NewReader(a.Data), mail.WithFileContentType(mail.ContentType(a.ContentType))); err != nil {
			return "", fmt.Errorf("mailer: attach %s: %w", a.Name, err)
		}
	}

	from, err := msg.GetSender(false)
	if err != nil {
		return "", fmt.Errorf("mailer: %w", err)
	}
	rcpts, err := msg.GetRecipients()
	if err != nil {
		return "", fmt.Errorf("mailer: %w: %w", err, asynq.SkipRetry)
	}
	if err := m.transmit(ctx, from, rcpts, msg); err != nil {
		return "", err
	}
	return msg.GetMessageID(), nil
}

// transmit sends msg over a pooled connection. The conversation is ours,
// not go-mail's Send: the server's reply to DATA must be the last step
// before the caller records the email, where go-mail would go on with RSET,
// and a crash between the acceptance and the record means a second copy on
// retry.
//
// A connection kept open may have been dropped by the server meanwhile: if
// it fails before the message was handed over (at MAIL), nothing was sent,
// and the email goes once more on a new connection. Past MAIL, a failure is
// the task's, which Asynq retries.
func (m *Mailer) transmit(ctx context.Context, from string, rcpts []string, msg *mail.Msg) error {
	for {
		c, err := m.pool.take(ctx)
		if err != nil {
			return fmt.Errorf("mailer: %w", err)
		}
		err = c.sc.UpdateDeadline(mailTimeout)
		if err == nil {
			err = c.sc.Mail(from)
		}
		if err != nil {
			m.pool.discard(c)
			if !c.fresh {
				continue // a stale connection: the next one is new
			}
			return smtpError(err)
		}
		if err := m.data(c.sc, rcpts, msg); err != nil {
			m.pool.discard(c)
			return err
		}
		m.pool.put(c)
		return nil
	}
}

// data names the recipients and hands the message over; the server's reply
// to the end of DATA is its verdict.
func (m *Mailer) data(sc *smtp.Client, rcpts []string, msg *mail.Msg) error {
	for _, r := range rcpts {
		if err := sc.Rcpt(r); err != nil {
			return smtpError(err)
		}
	}
	wc, err := sc.Data()
	if err != nil {
		return smtpError(err)
	}
	if _, err := msg.WriteTo(wc); err != nil {
		return smtpError(err)
	}
	if err := wc.Close(); err != nil {
		return smtpError(err)
	}
	return nil
}

// smtpError marks a permanent refusal (5xx), which trying again would meet
// again, as a bounce: not retried, and recorded by the worker.
func smtpError(err error) error {
	var te *textproto.Error
	if errors.As(err, &te) && te.Code >= 500 && te.Code < 600 {
		return &BounceError{Code: te.Code, Message: te.Msg, err: err}
	}
	return fmt.Errorf("mailer: %w", err)
}

// sendTemplate renders the email template name and sends it at most once for
// key, recording it in sent_emails.
func (w *Worker) sendTemplate(ctx context.Context, key, name, to string, adminID *int64, data any) (bool, error) {
	email, err := w.renderer.Email(name, data)
	if err != nil {
		return false, fmt.Errorf("%w: %w", err, asynq.SkipRetry)
	}
	rec := &vivier.SentEmail{MessageKey: key, Template: name, Recipient: to, Subject: email.Subject, AdministrationID: adminID}
	return w.sendOnce(ctx, rec, func() (string, error) {
		return w.deliver(ctx, Outgoing{To: to, Email: email}, rec)
	})
}
