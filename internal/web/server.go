// Package web serves Passerelle over HTTP with chi: the JSON API under
// /api/v1 and the HTML pages for people. Handlers parse input and render
// output; every rule is in the service package, which both call.
package web

import (
	"cmp"
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"runtime/debug"
	"time"

	"github.com/go-chi/chi/v5"
	"github.com/go-chi/chi/v5/middleware"

	"github.com/passerelle/passerelle/internal/authz"
	"github.com/passerelle/passerelle/internal/httpcache"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/view"
)

// Options configures the server.
type Options struct {
	BaseURL string // public URL, without a trailing slash
	Secure  bool   // https: Secure, __Host- cookies
	Dialect string // "sqlite" or "postgres", reported by /healthz
	Logger  *slog.Logger
	// OAIRepositoryID is the OAI-PMH repository identifier
	// (--oai-repository-id); empty: kept from the first domain-name base
	// URL.
	OAIRepositoryID string
	// OAIAdminEmail is the contact OAI-PMH's Identify declares
	// (--oai-admin-email).
	OAIAdminEmail string
	// RequestTimeout bounds every request's work (DefaultRequestTimeout
	// when zero); LongRequestTimeout the exports, uploads and downloads
	// (DefaultLongRequestTimeout when zero). See deadlines.go.
	RequestTimeout, LongRequestTimeout time.Duration
	// TrustedProxies are the reverse proxies whose X-Forwarded-For gives
	// the client's address (clientAddr); none: the connection's address.
	TrustedProxies []netip.Prefix
	// MaxRequests is how many requests may be in progress at once
	// (DefaultMaxRequests when zero); more wait a moment, then get 503.
	MaxRequests int
}

// Server holds what the handlers share.
type Server struct {
	svc     *service.Service
	view    *view.Engine
	opts    Options
	logger  *slog.Logger
	limiter *failureLimiter
	gate    *gate // admission of requests (deadlines.go)
	// router is the whole route table, for the Allow header of a 405
	// (httpsem.go).
	router chi.Routes
	// pages holds the public answers as anonymous visitors see them, by
	// public version (pagecache.go); nil without a service.
	pages       *httpcache.Shared
	publicClock *httpcache.Clock
}

// New returns the HTTP handler of the whole application.
func New(svc *service.Service, engine *view.Engine, opts Options) http.Handler {
	s := &Server{svc: svc, view: engine, opts: opts, logger: opts.Logger, limiter: newFailureLimiter(10, time.Minute)}
	s.gate = newGate(cmp.Or(opts.MaxRequests, DefaultMaxRequests))
	if svc != nil {
		s.pages = httpcache.NewShared(sharedBytes, sharedTTL)
		s.publicClock = httpcache.NewClock(svc.PublicVersion, publicVersionTimeout, publicVersionSpacing)
	}
	r := chi.NewRouter()
	s.router = r
	// The health check answers before anything that could wait on the
	// database (sessions, admission); then every request gets a deadline.
	// Compression wraps everything, the error pages of a panic included
	// (internal/httpcache).
	r.Use(httpcache.Compress, s.recoverer, s.securityHeaders, s.answerHealth, s.logRequests, s.admit, s.deadline, policyOncePerRead)
	// Refuses cross-site form posts (Origin or Sec-Fetch-Site of another
	// site) on every route; API clients authenticate with bearer tokens, which
	// a cross-site form cannot send.
	r.Use(s.crossOriginProtection)
	r.Use(s.checkInput) // input.go: no control character gets further
	r.Use(s.authenticate)
	// Validators and 304 on every GET answered 200 without an ETag of its
	// own; a signed-in person's answers are private (pages for them already
	// say no-store).
	r.Use(httpcache.ETags(func(r *http.Request) bool { return userFrom(r.Context()) != nil }))
	// HEAD wherever GET is served (httpsem.go): net/http drops the body.
	r.Use(middleware.GetHead)

	if engine != nil {
		engine.TerritoriesURL = "/territoires" // the navigation's link to the tree page
	}
	r.Get("/healthz", s.healthz)                  // anyone
	r.Handle("/static/*", engine.StaticHandler()) // anyone: the stylesheet and scripts, cached forever
	r.Route("/api/v1", s.apiRoutes)               // the API: routes_api.go
	s.pageRoutes(r)                               // everything else: routes_pages.go
	return r
}

// healthJSON is the answer of GET /healthz.
type healthJSON struct {
	Status   string    `json:"status"`   // ok or unavailable
	Database string    `json:"database"` // sqlite or postgres
	Writable bool      `json:"writable"`
	Queue    queueJSON `json:"queue"`
	// Search says what answers the public search: "memory" (the text
	// index) or "database" (for a moment after a start).
	Search string `json:"search"`
	Reason string `json:"reason,omitempty"`
}

type queueJSON struct {
	Available int `json:"available"`
	Running   int `json:"running"`
	Retryable int `json:"retryable"`
}

// healthz answers within a second whatever the database does: 200 when it
// answers and takes writes, otherwise 503 with the reason.
func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	ctx, cancel := context.WithTimeout(r.Context(), service.HealthBudget)
	defer cancel()
	h := s.svc.CheckHealth(ctx)
	out := healthJSON{Status: "ok", Database: s.opts.Dialect, Writable: h.Writable, Reason: h.Reason,
		Queue:  queueJSON{Available: h.Queue.Available, Running: h.Queue.Running, Retryable: h.Queue.Retryable},
		Search: "database"}
	if h.SearchFromMemory {
		out.Search = "memory"
	}
	if !h.OK() {
		out.Status = "unavailable"
		w.Header().Set("Retry-After", outageRetryAfter)
		writeJSON(w, http.StatusServiceUnavailable, out)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

// answerHealth serves GET /healthz ahead of the other middlewares: a
// session cookie must not make it wait on the database, nor a full
// admission gate turn it away.
func (s *Server) answerHealth(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/healthz" && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
			s.healthz(w, r)
			return
		}
		next.ServeHTTP(w, r)
	})
}

// policyOncePerRead lets a GET or HEAD check the policy version once, however
// many times the handler, the service and the menus ask for the snapshot
// (authz.OncePerRequest).
func policyOncePerRead(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method == http.MethodGet || r.Method == http.MethodHead {
			r = r.WithContext(authz.OncePerRequest(r.Context()))
		}
		next.ServeHTTP(w, r)
	})
}

var crossOrigin = func() *http.CrossOriginProtection {
	c := http.NewCrossOriginProtection()
	return c
}()

// crossOriginProtection refuses cross-site unsafe requests with the error
// of the contract: JSON on the API, the error page for people.
func (s *Server) crossOriginProtection(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := crossOrigin.Check(r); err != nil {
			s.fail(w, r, passerelle.Errorf(passerelle.EForbidden, "Cross-origin request refused."))
			return
		}
		next.ServeHTTP(w, r)
	})
}

// hstsMaxAge is how long browsers keep to https once told (two years, as
// the preload list asks).
const hstsMaxAge = "max-age=63072000; includeSubDomains"

// securityHeaders sets the headers of every answer: the content security
// policy and its companions, and Strict-Transport-Security when the public
// URL is https (so that a browser never again asks over http, where a
// network could strip the session cookie's protection).
func (s *Server) securityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		if s.opts.Secure {
			h.Set("Strict-Transport-Security", hstsMaxAge)
		}
		// The sign-in and logout buttons are forms whose answer redirects to
		// the OpenID provider, which form-action must allow (pages_oidc.go).
		formAction := "'self'"
		if s.svc != nil {
			for _, o := range s.svc.ProviderOrigins() {
				formAction += " " + o
			}
		}
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "+
			"object-src 'none'; base-uri 'none'; form-action "+formAction+"; frame-ancestors 'none'")
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("X-Frame-Options", "DENY")
		h.Set("Referrer-Policy", "same-origin")
		h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=()")
		next.ServeHTTP(w, r)
	})
}

func (s *Server) recoverer(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if v := recover(); v != nil {
				if v == http.ErrAbortHandler {
					panic(v)
				}
				s.logger.Error("panic", slog.Any("panic", v), slog.String("stack", string(debug.Stack())))
				s.fail(w, r, passerelle.Errorf(passerelle.EInternal, "Internal error."))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

func (s *Server) logRequests(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		ww := middleware.NewWrapResponseWriter(w, r.ProtoMajor)
		next.ServeHTTP(ww, r)
		s.logger.Debug("request", slog.String("method", r.Method), slog.String("path", r.URL.Path),
			slog.Int("status", ww.Status()), slog.Duration("duration", time.Since(start)))
	})
}

// fail answers with err as JSON for the API and as an HTML page otherwise.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	if isAPI(r) {
		s.apiError(w, r, err)
		return
	}
	s.errorPage(w, r, err)
}

type ctxKey int

const (
	userKey ctxKey = iota
	sessionKey
)

// userFrom returns the signed-in user of the request, or nil.
func userFrom(ctx context.Context) *passerelle.User {
	u, _ := ctx.Value(userKey).(*passerelle.User)
	return u
}
