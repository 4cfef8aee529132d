package vivier

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
)

// SecretBox seals the secrets Vivier must give back to a partner (CSP's API
// key, the SIRH webhook's signing secret) with AES-256-GCM, under a key from
// the environment: a dump of the database alone does not reveal them. Each
// secret is bound to what it belongs to (associated data), so that a sealed
// value copied to another row does not open.
//
// A box seals with its current key and opens with it or with the previous
// ones: the key can be changed without losing what was sealed, and
// Store.ResealSecrets then moves every value to the current key, after which
// the previous key may be forgotten.
type SecretBox struct {
	aead     cipher.AEAD
	previous []cipher.AEAD
}

// ParseSecretKey reads a 32-byte key written in base64 (standard or URL
// alphabet, padded or not).
func ParseSecretKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil {
			if len(b) != 32 {
				return nil, fmt.Errorf("the key has %d bytes, not 32", len(b))
			}
			return b, nil
		}
	}
	return nil, errors.New("the key is not base64")
}

// NewSecretBox returns a box that seals with a 32-byte key and opens with it
// or with one of the previous keys.
func NewSecretBox(key []byte, previous ...[]byte) (*SecretBox, error) {
	aead, err := newAEAD(key)
	if err != nil {
		return nil, err
	}
	b := &SecretBox{aead: aead}
	for _, k := range previous {
		old, err := newAEAD(k)
		if err != nil {
			return nil, fmt.Errorf("previous key: %w", err)
		}
		b.previous = append(b.previous, old)
	}
	return b, nil
}

func newAEAD(key []byte) (cipher.AEAD, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("secret box: the key has %d bytes, not 32", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// Seal encrypts secret for the owner named by context; the nonce is random
// and comes first.
func (b *SecretBox) Seal(secret, context string) ([]byte, error) {
	nonce := make([]byte, b.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return nil, err
	}
	return b.aead.Seal(nonce, nonce, []byte(secret), []byte(context)), nil
}

// Open decrypts what Seal returned for the same context, under the current
// key or a previous one.
func (b *SecretBox) Open(sealed []byte, context string) (string, error) {
	s, _, err := b.open(sealed, context)
	return s, err
}

// open also reports whether the current key opened the value.
func (b *SecretBox) open(sealed []byte, context string) (string, bool, error) {
	n := b.aead.NonceSize()
	if len(sealed) < n+b.aead.Overhead() {
		return "", false, errors.New("secret box: sealed value too short")
	}
	for i, aead := range append([]cipher.AEAD{b.aead}, b.previous...) {
		if out, err := aead.Open(nil, sealed[:n], sealed[n:], []byte(context)); err == nil {
			return string(out), i == 0, nil
		}
	}
	return "", false, errors.New("secret box: cannot open (wrong key or altered value)")
}

// Reseal returns the value sealed under the current key, and whether it was
// not already: what a key rotation does to each sealed value.
func (b *SecretBox) Reseal(sealed []byte, context string) ([]byte, bool, error) {
	s, current, err := b.open(sealed, context)
	if err != nil || current {
		return sealed, false, err
	}
	out, err := b.Seal(s, context)
	return out, err == nil, err
}
