package web

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
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
		// Password checks are throttled per client address too.
		ctx := service.WithClient(r.Context(), s.clientAddr(r))
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

// failureLimiter counts failures per key (a client address guessing the
// tokens of links, a mailbox asked for resets) in a sliding window, in
// this process's memory. Passwords are throttled by the service, in the
// database (service.Authenticate).
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

// clientAddr returns the address of the client of r: the connection's,
// or, when that is one of the trusted proxies, the last address of
// X-Forwarded-For that is not one of them (the one the proxy saw; what
// comes before it is the client's own say).
func (s *Server) clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil || !s.trusted(addr) {
		return host
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		hop, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return addr.String() // a garbled header: the last proxy's own address
		}
		if !s.trusted(hop) {
			return hop.Unmap().String()
		}
		addr = hop
	}
	return addr.String()
}

func (s *Server) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range s.opts.TrustedProxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// checkPassword authenticates: the service counts the attempt against the
// account and the client's address before it checks anything (the address
// is in the context: see authenticate), and answers rate_limited with how
// long to wait.
func (s *Server) checkPassword(r *http.Request, email, password string) (*passerelle.User, time.Duration, error) {
	u, err := s.svc.Authenticate(r.Context(), email, password)
	return u, retryAfterOf(err), err
}

// retryAfterOf returns how long an error says to wait, or 0.
func retryAfterOf(err error) time.Duration {
	if e := (*passerelle.Error)(nil); errors.As(err, &e) {
		return e.RetryAfter
	}
	return 0
}
