package vivier

import (
	"context"
	"net"
	"net/netip"
	"net/url"
	"regexp"
	"strings"
	"time"
)

// OutboundPolicy is the platform's rule for the addresses a tenant may make
// Vivier call (the SIRH webhook, the CSP API, any later one): never the
// machine itself, an internal network, a link-local address (the cloud's
// metadata service), multicast or a reserved range — unless the operator
// trusts the range (OUTBOUND_ALLOW), which also allows plain http to it.
// It decides on addresses only, so that the same rule serves when a form is
// saved (here, for addresses written in the URL) and when the worker dials
// (jobs.NewOutboundClient, for the address a name resolved to).
type OutboundPolicy struct {
	Allow []netip.Prefix // ranges the operator trusts; none by default
}

// Allowed reports whether the operator trusts addr.
func (p OutboundPolicy) Allowed(addr netip.Addr) bool {
	addr = addr.Unmap()
	for _, pr := range p.Allow {
		if pr.Contains(addr) {
			return true
		}
	}
	return false
}

// Refusal returns why addr may not be dialled, in French ("" when it may).
func (p OutboundPolicy) Refusal(addr netip.Addr) string {
	if !addr.IsValid() {
		return "adresse refusée : adresse invalide"
	}
	if p.Allowed(addr) {
		return ""
	}
	return refusal(addr.Unmap().WithZone(""))
}

// Ranges that the standard library's predicates do not name.
var (
	cgnat        = netip.MustParsePrefix("100.64.0.0/10")
	thisNetwork  = netip.MustParsePrefix("0.0.0.0/8")
	ietfProtocol = netip.MustParsePrefix("192.0.0.0/24")
	benchmarking = netip.MustParsePrefix("198.18.0.0/15")
	reservedV4   = netip.MustParsePrefix("240.0.0.0/4") // and the broadcast address
	v4Compatible = netip.MustParsePrefix("::/96")
	nat64        = netip.MustParsePrefix("64:ff9b::/96")
	nat64Local   = netip.MustParsePrefix("64:ff9b:1::/48")
	sixToFour    = netip.MustParsePrefix("2002::/16")
	teredo       = netip.MustParsePrefix("2001::/32")
	discardV6    = netip.MustParsePrefix("100::/64")
	siteLocal    = netip.MustParsePrefix("fec0::/10")
)

func refusal(a netip.Addr) string {
	switch {
	case a.IsLoopback():
		return "adresse refusée : machine locale"
	case a.IsUnspecified(), thisNetwork.Contains(a):
		return "adresse refusée : adresse non spécifiée"
	case a.IsPrivate(), cgnat.Contains(a), benchmarking.Contains(a), nat64Local.Contains(a), siteLocal.Contains(a):
		return "adresse refusée : réseau interne"
	case a.IsLinkLocalUnicast():
		return "adresse refusée : lien local (métadonnées du cloud)"
	case a.IsMulticast(), a.IsLinkLocalMulticast(), a.IsInterfaceLocalMulticast():
		return "adresse refusée : multidiffusion"
	case ietfProtocol.Contains(a), reservedV4.Contains(a), v4Compatible.Contains(a), teredo.Contains(a), discardV6.Contains(a):
		return "adresse refusée : plage réservée"
	case nat64.Contains(a):
		// A NAT64 gateway would carry the request to the IPv4 address in
		// the last 32 bits: that one is judged.
		b := a.As16()
		return refusal(netip.AddrFrom4([4]byte{b[12], b[13], b[14], b[15]}))
	case sixToFour.Contains(a):
		b := a.As16()
		return refusal(netip.AddrFrom4([4]byte{b[2], b[3], b[4], b[5]}))
	}
	return ""
}

// numericHost matches the other spellings of an IPv4 address that some
// resolvers accept (127.1, 0x7f000001, 2130706433): refused, so that a
// form cannot hide an address from the check below.
var numericHost = regexp.MustCompile(`^(0x[0-9a-f]*|[0-9]+)(\.(0x[0-9a-f]*|[0-9]+))*\.?$`)

// CheckURL checks, when a tenant saves it, the address of a target Vivier
// will call: https, or plain http to a range the operator trusts; no
// address written in the URL that Refusal refuses. The error is a French
// message on field. A name is judged again, after resolution, at every
// dial.
func (p OutboundPolicy) CheckURL(ctx context.Context, field string, u *url.URL) error {
	host := strings.ToLower(u.Hostname())
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{a}
	} else if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		addrs = []netip.Addr{netip.MustParseAddr("127.0.0.1"), netip.IPv6Loopback()}
	} else if numericHost.MatchString(host) {
		return FieldError(field, "Écrivez l'adresse IP en entier (quatre nombres séparés par des points) ou donnez un nom de domaine.")
	}
	for _, a := range addrs {
		if why := p.Refusal(a); why != "" {
			return FieldError(field, "Cette adresse ne peut pas être appelée par la plateforme ("+why+").")
		}
	}
	if u.Scheme == "https" {
		return nil
	}
	// Plain http: only to a trusted range, every address of the name in it.
	if addrs == nil && len(p.Allow) > 0 {
		ctx, cancel := context.WithTimeout(ctx, 3*time.Second)
		defer cancel()
		addrs, _ = net.DefaultResolver.LookupNetIP(ctx, "ip", host)
	}
	trusted := len(addrs) > 0
	for _, a := range addrs {
		trusted = trusted && p.Allowed(a)
	}
	if !trusted {
		return FieldError(field, "Saisissez une adresse https:// : le http simple n'est accepté que vers un réseau interne que l'exploitant de la plateforme a autorisé.")
	}
	return nil
}

// WithOutboundPolicy gives the store the platform's rule for the addresses
// tenants configure: the settings it saves are checked against it.
func WithOutboundPolicy(p OutboundPolicy) StoreOption {
	return func(s *Store) { s.outbound = p }
}
