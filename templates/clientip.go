package templates

import (
	"net"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// LocalClientIP is where ClientIPMiddleware leaves the client's address.
const LocalClientIP = "clientip"

// ClientIPMiddleware finds the address of the client: the peer, or, when the
// peer is a trusted proxy, the rightmost address of X-Forwarded-For that is
// not itself a trusted proxy. The leftmost address, which Fiber's c.IP()
// returns, is whatever the client chose to send, and must not key a rate
// limit or an audit entry.
func ClientIPMiddleware(trusted []string) fiber.Handler {
	var nets []*net.IPNet
	for _, t := range trusted {
		if !strings.Contains(t, "/") {
			if ip := net.ParseIP(t); ip != nil && ip.To4() != nil {
				t += "/32"
			} else {
				t += "/128"
			}
		}
		if _, n, err := net.ParseCIDR(t); err == nil {
			nets = append(nets, n)
		}
	}
	isTrusted := func(ip net.IP) bool {
		for _, n := range nets {
			if n.Contains(ip) {
				return true
			}
		}
		return false
	}
	return func(c *fiber.Ctx) error {
		addr := c.Context().RemoteIP()
		if len(nets) > 0 && isTrusted(addr) {
			hops := strings.Split(c.Get(fiber.HeaderXForwardedFor), ",")
			for i := len(hops) - 1; i >= 0; i-- {
				ip := net.ParseIP(strings.TrimSpace(hops[i]))
				if ip == nil {
					break
				}
				addr = ip
				if !isTrusted(ip) {
					break
				}
			}
		}
		c.Locals(LocalClientIP, addr.String())
		return c.Next()
	}
}

// ClientIP returns the client's address found by ClientIPMiddleware.
func ClientIP(c *fiber.Ctx) string {
	if ip, ok := c.Locals(LocalClientIP).(string); ok {
		return ip
	}
	return c.Context().RemoteIP().String()
}
