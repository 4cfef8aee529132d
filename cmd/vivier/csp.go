package main

import (
	"net/url"
	"time"

	"vivier"
	"vivier/jobs"
)

// cspConfig checks the variables of the publication to Choisir le Service
// Public and returns the key that seals the administrations' API keys and
// SIRH webhook secrets (nil when CSP_SECRET_KEY is unset: none can then be
// recorded), and the previous keys that still open what they sealed.
func (e *env) cspConfig(apiURL string) ([]byte, [][]byte) {
	if apiURL != "" {
		if u, err := url.Parse(apiURL); err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
			e.fail("CSP_API_URL", apiURL, "the https URL of CSP's API, without /api/v1")
		}
	}
	var previous [][]byte
	for _, raw := range splitList(e.get("CSP_SECRET_KEY_PREVIOUS")) {
		key, err := vivier.ParseSecretKey(raw)
		if err != nil {
			e.fail("CSP_SECRET_KEY_PREVIOUS", "(hidden)", "the former CSP_SECRET_KEY values, comma-separated")
			continue
		}
		previous = append(previous, key)
	}
	raw := e.get("CSP_SECRET_KEY")
	if raw == "" {
		if len(previous) > 0 {
			e.fail("CSP_SECRET_KEY", "", "the new key when CSP_SECRET_KEY_PREVIOUS is set")
		}
		return nil, nil
	}
	key, err := vivier.ParseSecretKey(raw)
	if err != nil {
		e.fail("CSP_SECRET_KEY", "(hidden)", "32 random bytes in base64, such as the output of `openssl rand -base64 32`")
		return nil, nil
	}
	return key, previous
}

// cspBox returns the box of CSP_SECRET_KEY, or nil without one.
func (c Config) cspBox() *vivier.SecretBox {
	if c.CSPSecretKey == nil {
		return nil
	}
	box, err := vivier.NewSecretBox(c.CSPSecretKey, c.CSPPreviousKeys...)
	if err != nil {
		return nil // LoadConfig checked the length
	}
	return box
}

// outbound is the rule for the addresses tenants configure.
func (c Config) outbound() vivier.OutboundPolicy {
	return vivier.OutboundPolicy{Allow: c.OutboundAllow}
}

// cspJobs is the worker's part of the configuration.
func (c Config) cspJobs() jobs.CSPConfig {
	return jobs.CSPConfig{Box: c.cspBox(), DefaultURL: c.CSPAPIURL, Quota: c.CSPRatePerMinute,
		QuotaPeriod: time.Minute, Timeout: c.CSPTimeout}
}
