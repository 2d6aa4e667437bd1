package passerelle

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"time"
)

// APIToken describes one of a user's API tokens, as the owner sees it on
// "Mes jetons": never the token itself, which is shown once at creation
// and stored only hashed.
type APIToken struct {
	ID        int64
	Name      string
	CreatedAt time.Time
	ExpiresAt time.Time
	RevokedAt *time.Time
}

// Active reports whether the token still opens the API at now.
func (t *APIToken) Active(now time.Time) bool {
	return t.RevokedAt == nil && now.Before(t.ExpiresAt)
}

// NewSecret returns a random token (32 bytes from crypto/rand, URL-safe,
// after prefix) and the hash under which it is stored, so that a stolen
// database yields no usable credential.
func NewSecret(prefix string) (token, hash string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	token = prefix + base64.RawURLEncoding.EncodeToString(b)
	return token, HashSecret(token)
}

// HashSecret returns the hash under which a token is stored: SHA-256 in hex
// (the token is random, so no salt or slow hash is needed).
func HashSecret(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}
