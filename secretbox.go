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
// key) with AES-256-GCM, under a key from the environment: a dump of the
// database alone does not reveal them. Each secret is bound to what it
// belongs to (associated data), so that a sealed value copied to another row
// does not open.
type SecretBox struct{ aead cipher.AEAD }

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

// NewSecretBox returns a box for a 32-byte key.
func NewSecretBox(key []byte) (*SecretBox, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("secret box: the key has %d bytes, not 32", len(key))
	}
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	return &SecretBox{aead: aead}, nil
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

// Open decrypts what Seal returned for the same context.
func (b *SecretBox) Open(sealed []byte, context string) (string, error) {
	n := b.aead.NonceSize()
	if len(sealed) < n+b.aead.Overhead() {
		return "", errors.New("secret box: sealed value too short")
	}
	out, err := b.aead.Open(nil, sealed[:n], sealed[n:], []byte(context))
	if err != nil {
		return "", errors.New("secret box: cannot open (wrong key or altered value)")
	}
	return string(out), nil
}
