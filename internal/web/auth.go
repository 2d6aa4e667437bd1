package web

import (
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
)

// sessionCookie is the name of the session cookie; with https it carries the
// __Host- prefix, which browsers only accept when Secure, host-only and for
// the whole site.
func (s *Server) sessionCookie() string {
	if s.opts.Secure {
		return "__Host-passerelle_session"
	}
	return "passerelle_session"
}

// authenticate identifies the caller: a bearer token for the API, the
// session cookie for the pages. A bad token is refused at once; a stale
// session cookie is dropped and the visitor continues as anonymous.
func (s *Server) authenticate(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		ctx := r.Context()
		if isAPI(r) {
			if h := r.Header.Get("Authorization"); h != "" {
				token, ok := strings.CutPrefix(h, "Bearer ")
				if !ok || token == "" {
					s.apiError(w, r, passerelle.Errorf(passerelle.EUnauthn, "Expected Authorization: Bearer <token>."))
					return
				}
				u, err := s.svc.UserFromToken(ctx, strings.TrimSpace(token))
				if err != nil {
					s.apiError(w, r, err)
					return
				}
				ctx = context.WithValue(ctx, userKey, u)
				ctx = context.WithValue(ctx, sessionKey, token)
			}
			next.ServeHTTP(w, r.WithContext(ctx))
			return
		}
		if c, err := r.Cookie(s.sessionCookie()); err == nil && c.Value != "" {
			u, err := s.svc.UserFromSession(ctx, c.Value)
			switch {
			case err == nil:
				ctx = context.WithValue(ctx, userKey, u)
				ctx = context.WithValue(ctx, sessionKey, c.Value)
			case passerelle.ErrorCode(err) == passerelle.EUnauthn:
				s.clearSessionCookie(w)
			default:
				s.fail(w, r, err)
				return
			}
		}
		next.ServeHTTP(w, r.WithContext(ctx))
	})
}

func (s *Server) setSessionCookie(w http.ResponseWriter, token string, expires time.Time) {
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookie(), Value: token, Path: "/", Expires: expires,
		HttpOnly: true, Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode})
}

func (s *Server) clearSessionCookie(w http.ResponseWriter) {
	http.SetCookie(w, &http.Cookie{Name: s.sessionCookie(), Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: s.opts.Secure, SameSite: http.SameSiteLaxMode})
}

// failureLimiter counts failed password attempts per key (account, client
// address) in a sliding window, in this process's memory.
type failureLimiter struct {
	max    int
	window time.Duration
	mu     sync.Mutex
	fails  map[string][]time.Time
}

func newFailureLimiter(max int, window time.Duration) *failureLimiter {
	return &failureLimiter{max: max, window: window, fails: map[string][]time.Time{}}
}

// blocked reports whether any key has reached the limit, and for how long it
// stays blocked.
func (l *failureLimiter) blocked(keys ...string) (bool, time.Duration) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	for _, k := range keys {
		recent := l.prune(k, now)
		if len(recent) >= l.max {
			return true, recent[0].Add(l.window).Sub(now)
		}
	}
	return false, 0
}

func (l *failureLimiter) prune(key string, now time.Time) []time.Time {
	recent := l.fails[key]
	i := 0
	for i < len(recent) && now.Sub(recent[i]) >= l.window {
		i++
	}
	recent = recent[i:]
	if len(recent) == 0 {
		delete(l.fails, key)
	} else {
		l.fails[key] = recent
	}
	return recent
}

// fail records a failed attempt for each key.
func (l *failureLimiter) fail(keys ...string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := time.Now()
	if len(l.fails) > 100_000 { // bound memory under a flood of distinct keys
		for k := range l.fails {
			l.prune(k, now)
		}
	}
	for _, k := range keys {
		l.fails[k] = append(l.prune(k, now), now)
	}
}

// loginKeys returns the rate-limit keys of a password attempt.
func loginKeys(r *http.Request, email string) []string {
	ip := r.RemoteAddr
	if host, _, err := net.SplitHostPort(ip); err == nil {
		ip = host
	}
	return []string{"ip:" + ip, "account:" + passerelle.NormalizeEmail(email)}
}

// checkPassword authenticates with the rate limits of every password entry
// point: about 10 failures a minute per account and per client address.
func (s *Server) checkPassword(r *http.Request, email, password string) (*passerelle.User, time.Duration, error) {
	keys := loginKeys(r, email)
	if blocked, wait := s.limiter.blocked(keys...); blocked {
		return nil, wait, passerelle.Errorf(passerelle.ERateLimited, "Too many failed attempts; try again in a minute.")
	}
	u, err := s.svc.Authenticate(r.Context(), email, password)
	if passerelle.ErrorCode(err) == passerelle.EUnauthn {
		s.limiter.fail(keys...)
	}
	return u, 0, err
}
