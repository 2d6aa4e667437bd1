package web

import (
	"bytes"
	"context"
	"html"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"

	"riverqueue.com/riverui"

	"github.com/passerelle/passerelle/internal/view"
)

// JobsPrefix is where the River job dashboard is mounted.
const JobsPrefix = "/admin/jobs"

// riverDashboard builds River UI over the application's River client the
// first time an admin opens it; its background services then run for the
// life of the process.
type riverDashboard struct {
	once    sync.Once
	handler http.Handler
	err     error
}

var dashboards sync.Map // *Server → *jobsDashboard

func (s *Server) jobsDashboard() (http.Handler, error) {
	v, _ := dashboards.LoadOrStore(s, &riverDashboard{})
	d := v.(*riverDashboard)
	d.once.Do(func() {
		h, err := riverui.NewHandler(&riverui.HandlerOpts{
			Endpoints: riverui.NewEndpoints(s.svc.River, nil),
			Logger:    s.logger,
			Prefix:    JobsPrefix,
		})
		if err == nil {
			err = h.Start(context.WithoutCancel(context.Background()))
		}
		d.handler, d.err = h, err
	})
	return d.handler, d.err
}

// jobsPage serves River UI, behind adminOnly (routes_pages.go). River UI's
// single-page application needs inline scripts and styles: its pages get a
// policy allowing them, and only its pages.
func (s *Server) jobsPage(w http.ResponseWriter, r *http.Request) {
	h, err := s.jobsDashboard()
	if err != nil {
		s.logger.ErrorContext(r.Context(), "River UI", slog.Any("err", err))
		s.render(w, r, http.StatusServiceUnavailable, "jobs_unavailable", &view.Page{Title: s.tr(r).T("jobs.heading"),
			Data: &view.JobsData{Reason: s.tr(r).T("jobs.unavailable")}})
		return
	}
	w.Header().Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "+
		"script-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'")
	w.Header().Set("Cache-Control", "no-store")
	bw := &backLinkWriter{ResponseWriter: w, link: jobsBackLink(s.tr(r))}
	h.ServeHTTP(bw, r)
	bw.finish()
}

// backLinkWriter adds a link back to the administration to River UI's HTML
// page (its single-page application has no way out of its own): the page is
// held, the link inserted after <body>, fixed in a corner. Everything else
// River UI serves (its API, scripts, styles) passes through untouched.
type backLinkWriter struct {
	http.ResponseWriter
	link    string
	page    *bytes.Buffer // non-nil: an HTML page being held
	status  int
	decided bool
}

func (b *backLinkWriter) WriteHeader(code int) {
	if b.decided {
		return
	}
	b.decided = true
	h := b.Header()
	if strings.HasPrefix(h.Get("Content-Type"), "text/html") && h.Get("Content-Encoding") == "" && code == http.StatusOK {
		b.page, b.status = new(bytes.Buffer), code
		h.Del("Content-Length")
		return
	}
	b.ResponseWriter.WriteHeader(code)
}

func (b *backLinkWriter) Write(p []byte) (int, error) {
	if !b.decided {
		if b.Header().Get("Content-Type") == "" {
			b.Header().Set("Content-Type", http.DetectContentType(p))
		}
		b.WriteHeader(http.StatusOK)
	}
	if b.page != nil {
		return b.page.Write(p)
	}
	return b.ResponseWriter.Write(p)
}

// Flush passes through what is not held.
func (b *backLinkWriter) Flush() {
	if f, ok := b.ResponseWriter.(http.Flusher); ok && b.page == nil {
		f.Flush()
	}
}

// finish writes the held page with the link.
func (b *backLinkWriter) finish() {
	if b.page == nil {
		return
	}
	page := b.page.String()
	if i := strings.Index(page, "<body"); i >= 0 {
		if j := strings.IndexByte(page[i:], '>'); j >= 0 {
			page = page[:i+j+1] + b.link + page[i+j+1:]
		}
	}
	b.ResponseWriter.WriteHeader(b.status)
	_, _ = io.WriteString(b.ResponseWriter, page)
}

// jobsBackLink is the link River UI's page gets, in the reader's language.
func jobsBackLink(tr *view.Translator) string {
	return `<a href="/admin" id="passerelle-back" style="position:fixed;left:1rem;bottom:1rem;z-index:2147483647;` +
		`padding:.5rem .85rem;border:2px solid #1d3f73;border-radius:6px;background:#fff;color:#1d3f73;` +
		`font:600 15px/1.4 system-ui,sans-serif;text-decoration:none">` + html.EscapeString(tr.T("jobs.back")) + `</a>`
}
