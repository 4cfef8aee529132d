package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
)

// rotateSecrets seals every sealed value (CSP API keys, SIRH webhook
// secrets) again under CSP_SECRET_KEY, opening those sealed under a key of
// CSP_SECRET_KEY_PREVIOUS: once it has run, the previous key may go. It
// fails when a value opens with none of the keys, after doing the rest.
func (m *Main) rotateSecrets(ctx context.Context) error {
	box := m.Config.cspBox()
	if box == nil {
		return errors.New("rotate-secrets: CSP_SECRET_KEY is not set")
	}
	if err := m.open(ctx); err != nil {
		return err
	}
	rep, err := m.store.ResealSecrets(ctx, box)
	if err != nil {
		return err
	}
	fmt.Fprintf(m.Out, "CSP API keys resealed: %d\nSIRH webhook secrets resealed: %d\nSIRH webhook secrets sealed (were in clear): %d\nalready under the current key: %d\n",
		rep.CSPKeys, rep.SIRHSecrets, rep.Legacy, rep.Current)
	if len(rep.Unopened) > 0 {
		return fmt.Errorf("rotate-secrets: no key opens %d value(s), left as they are (their administrations must enter them again): %s",
			len(rep.Unopened), strings.Join(rep.Unopened, ", "))
	}
	return nil
}

// sealLegacySecrets seals, after the migrations, the SIRH webhook secrets
// the first versions kept in clear: SQL cannot, it has no key. Without
// CSP_SECRET_KEY they stay in clear (and in use) until a key is set and
// this or rotate-secrets runs.
func (m *Main) sealLegacySecrets(ctx context.Context) error {
	box := m.Config.cspBox()
	if box == nil {
		return nil
	}
	n, err := m.store.SealLegacySIRHSecrets(ctx, box)
	if err != nil {
		return err
	}
	if n > 0 {
		m.Log.Info("SIRH webhook secrets sealed", "count", n)
	}
	return nil
}
