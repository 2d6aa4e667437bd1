package mail

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"time"
)

// UnsubscribeTTL is how long the unsubscribe link of an e-mail works.
const UnsubscribeTTL = 180 * 24 * time.Hour

// Unsubscribe is what an unsubscribe link stands for: one user stopping one
// category of e-mails.
type Unsubscribe struct {
	UserID   int64     `json:"u"`
	Category string    `json:"c"`
	Expires  time.Time `json:"-"`
}

type unsubscribePayload struct {
	Unsubscribe
	Exp int64 `json:"e"`
}

// ErrBadToken is returned for a forged, damaged or expired unsubscribe token.
var ErrBadToken = errors.New("mail: bad or expired unsubscribe token")

// SignUnsubscribe returns the token of an unsubscribe link, signed with
// secret (HMAC-SHA-256): <payload>.<signature>, both base64url.
func SignUnsubscribe(secret []byte, u Unsubscribe) string {
	b, _ := json.Marshal(unsubscribePayload{Unsubscribe: u, Exp: u.Expires.Unix()})
	payload := base64.RawURLEncoding.EncodeToString(b)
	return payload + "." + base64.RawURLEncoding.EncodeToString(sign(secret, payload))
}

func sign(secret []byte, payload string) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("unsubscribe\x00" + payload))
	return m.Sum(nil)
}

// VerifyUnsubscribe checks token against secret at now. Errors: ErrBadToken.
func VerifyUnsubscribe(secret []byte, token string, now time.Time) (Unsubscribe, error) {
	payload, sig, ok := strings.Cut(token, ".")
	if !ok || len(token) > 512 {
		return Unsubscribe{}, ErrBadToken
	}
	got, err := base64.RawURLEncoding.DecodeString(sig)
	if err != nil || !hmac.Equal(got, sign(secret, payload)) {
		return Unsubscribe{}, ErrBadToken
	}
	b, err := base64.RawURLEncoding.DecodeString(payload)
	if err != nil {
		return Unsubscribe{}, ErrBadToken
	}
	var p unsubscribePayload
	if err := json.Unmarshal(b, &p); err != nil || p.UserID <= 0 || p.Category == "" {
		return Unsubscribe{}, ErrBadToken
	}
	p.Expires = time.Unix(p.Exp, 0)
	if !now.Before(p.Expires) {
		return Unsubscribe{}, ErrBadToken
	}
	return p.Unsubscribe, nil
}
