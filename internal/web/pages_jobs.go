package web

import (
	"context"
	"log/slog"
	"net/http"
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
	h.ServeHTTP(w, r)
}
