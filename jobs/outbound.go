package jobs

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"sync"
	"syscall"
	"time"

	"vivier"
)

// The outgoing-request guard. Every request whose target a tenant
// configures (the SIRH webhook, the CSP API, any later one) goes through
// the client NewOutboundClient returns, and through nothing else:
//
//   - the address is judged when the connection is dialled, after
//     resolution, by the platform's vivier.OutboundPolicy: a name that
//     resolves (or rebinds) to the machine itself, an internal network, a
//     link-local address (the cloud's metadata service), multicast or a
//     reserved range fails like the address written plainly; plain http
//     dials only ranges the operator trusts (OUTBOUND_ALLOW);
//   - no proxy from the environment: the proxy's address would be judged
//     instead of the target's;
//   - no redirect is followed: a 3xx is a failure, so that an allowed
//     server cannot send the request (and its key or signed body) elsewhere;
//   - a timeout for the whole exchange, and a limit on what is read of the
//     answer (readOutboundBody).
//
// Tenants read only a short French summary of a failure
// (OutboundFailure.Summary: the status code, « délai dépassé », « adresse
// refusée : réseau interne »…), never the remote body nor the Go error,
// which may name internal addresses; the operators' log gets the detail,
// with the target's host only (paths and queries may carry tokens).
//
// It lives here, not in the root package, because the root imports no HTTP
// package; the rule on addresses itself is the root's, shared with the
// forms that check an address when it is saved.

// OutboundOptions tune the guarded client.
type OutboundOptions struct {
	Timeout time.Duration  // of a whole exchange; 30 s if zero
	RootCAs *x509.CertPool // trusted authorities; the system's if nil (tests give their server's)
}

// NewOutboundClient returns the guarded client for targets tenants
// configure, dialling by policy p.
func NewOutboundClient(p vivier.OutboundPolicy, o OutboundOptions) *http.Client {
	if o.Timeout <= 0 {
		o.Timeout = 30 * time.Second
	}
	dialer := &net.Dialer{Timeout: min(o.Timeout, 10*time.Second), KeepAlive: 30 * time.Second,
		ControlContext: func(ctx context.Context, network, address string, _ syscall.RawConn) error {
			return checkDial(ctx, p, address)
		}}
	tr := &http.Transport{
		Proxy:                  nil,
		DialContext:            dialer.DialContext,
		ForceAttemptHTTP2:      true,
		TLSClientConfig:        &tls.Config{RootCAs: o.RootCAs, MinVersion: tls.VersionTLS12},
		TLSHandshakeTimeout:    10 * time.Second,
		ResponseHeaderTimeout:  o.Timeout,
		MaxResponseHeaderBytes: 64 << 10,
		MaxIdleConns:           20,
		IdleConnTimeout:        90 * time.Second,
	}
	return &http.Client{Timeout: o.Timeout, Transport: plainHTTPMark{tr},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

type plainHTTPKey struct{}

// plainHTTPMark tells the dialler that a request goes in clear: it may then
// reach only a trusted range. The transport keys its connections by scheme,
// so that a connection dialled for https never carries plain http.
type plainHTTPMark struct{ next http.RoundTripper }

func (m plainHTTPMark) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.URL.Scheme == "http" {
		r = r.WithContext(context.WithValue(r.Context(), plainHTTPKey{}, true))
	}
	return m.next.RoundTrip(r)
}

// refusedAddress is a dial the policy refused.
type refusedAddress struct {
	addr   netip.Addr
	reason string // French
}

func (e *refusedAddress) Error() string {
	return "outbound: " + e.addr.String() + " refused: " + e.reason
}

func checkDial(ctx context.Context, p vivier.OutboundPolicy, address string) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return &refusedAddress{reason: "adresse refusée : adresse invalide"}
	}
	a := ap.Addr()
	if why := p.Refusal(a); why != "" {
		return &refusedAddress{addr: a, reason: why}
	}
	if plain, _ := ctx.Value(plainHTTPKey{}).(bool); plain && !p.Allowed(a) {
		return &refusedAddress{addr: a, reason: "http simple refusé hors des réseaux autorisés"}
	}
	return nil
}

// OutboundFailure is a request to a tenant's target that did not succeed.
type OutboundFailure struct {
	Status  int    // the answer's status code, 0 when there was none
	Summary string // for tenants, in French: what they may read of it
	Err     error  // for the operators' log
}

func (f *OutboundFailure) Error() string { return f.Summary }
func (f *OutboundFailure) Unwrap() error { return f.Err }

// errBodyTooLarge is an answer longer than its reader takes.
var errBodyTooLarge = errors.New("outbound: answer too long")

// outboundFailure describes err, a failed exchange, for tenants.
func outboundFailure(err error) *OutboundFailure {
	var f *OutboundFailure
	if errors.As(err, &f) {
		return f
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // its text holds the whole URL, tokens included
	}
	return &OutboundFailure{Summary: summarize(err), Err: err}
}

func summarize(err error) string {
	var refused *refusedAddress
	var dns *net.DNSError
	var netErr net.Error
	var unknownCA x509.UnknownAuthorityError
	var badHost x509.HostnameError
	var badCert x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	var record tls.RecordHeaderError
	switch {
	case errors.As(err, &refused):
		return refused.reason
	case errors.Is(err, errBodyTooLarge):
		return "réponse trop longue"
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return "délai dépassé"
	case errors.As(err, &dns):
		return "nom de domaine introuvable"
	case errors.As(err, &unknownCA), errors.As(err, &badHost), errors.As(err, &badCert), errors.As(err, &verify):
		return "certificat TLS refusé"
	case errors.As(err, &record):
		return "échec de la connexion sécurisée (TLS)"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connexion refusée"
	case errors.Is(err, context.Canceled):
		return "envoi interrompu"
	}
	return "échec de la connexion"
}

// statusFailure describes an answer that is not a success, for tenants.
func statusFailure(code int) *OutboundFailure {
	if code >= 300 && code < 400 {
		return &OutboundFailure{Status: code, Summary: fmt.Sprintf("redirection refusée (HTTP %d)", code),
			Err: fmt.Errorf("outbound: redirect %d not followed", code)}
	}
	return &OutboundFailure{Status: code, Summary: fmt.Sprintf("le serveur a répondu %d", code),
		Err: fmt.Errorf("outbound: status %d", code)}
}

// readOutboundBody reads at most limit bytes of an answer: a longer one is
// errBodyTooLarge, not a truncated document read as whole.
func readOutboundBody(r io.Reader, limit int64) ([]byte, error) {
	b, err := io.ReadAll(io.LimitReader(r, limit+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > limit {
		return nil, errBodyTooLarge
	}
	return b, nil
}

// outboundHost names a target in the operators' log: scheme and host only.
func outboundHost(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(adresse illisible)"
	}
	return u.Scheme + "://" + u.Host
}

// lazyOutbound is a guarded client made once, at first use: its policy
// comes from the store, and one client keeps its connections for every call.
type lazyOutbound struct {
	once sync.Once
	c    *http.Client
}

func (l *lazyOutbound) get(p vivier.OutboundPolicy, timeout time.Duration) *http.Client {
	l.once.Do(func() { l.c = NewOutboundClient(p, OutboundOptions{Timeout: timeout}) })
	return l.c
}
