// Package wiring wires Passerelle's parts over an open, migrated database: the
// authorisation snapshot, the River client and the service. The binary
// (internal/cli) and the tests (internal/testenv) both build the application
// with Build, from a config.Config; what tests change is passed as options,
// so that a setting added for the binary reaches the tests too.
package wiring

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"gocloud.dev/blob"

	"github.com/passerelle/passerelle/internal/authz"
	"github.com/passerelle/passerelle/internal/config"
	"github.com/passerelle/passerelle/internal/jobs"
	"github.com/passerelle/passerelle/internal/mail"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/store"
)

// Parts are what the caller opens (and closes): the database, the mail
// sender, the attachments bucket and the logger.
type Parts struct {
	DB     *store.DB
	Mail   mail.Sender
	Files  *blob.Bucket
	Logger *slog.Logger
}

// App is the wired application.
type App struct {
	Authz   *authz.Authorizer
	River   *river.Client[*sql.Tx]
	Service *service.Service
}

type options struct {
	runWorkers bool
	hasher     service.Hasher
}

// Option changes how Build wires the application.
type Option func(*options)

// RunWorkers makes the River client work jobs; without it, it only inserts
// them (serve --workers=false, the one-shot commands, tests that work jobs
// by hand).
func RunWorkers(on bool) Option { return func(o *options) { o.runWorkers = on } }

// WithHasher replaces the password hasher (tests: tiny argon2id
// parameters).
func WithHasher(h service.Hasher) Option { return func(o *options) { o.hasher = h } }

// Build wires the application over p according to cfg.
func Build(ctx context.Context, cfg *config.Config, p Parts, opts ...Option) (*App, error) {
	o := options{hasher: service.DefaultHasher}
	for _, opt := range opts {
		opt(&o)
	}
	az, err := authz.New(ctx, p.DB)
	if err != nil {
		return nil, err
	}
	rc, err := jobs.NewClient(jobs.Deps{DB: p.DB, Authz: az, Mail: p.Mail, BaseURL: cfg.BaseURL, Logger: p.Logger, Files: p.Files,
		MailFrom: cfg.MailFrom}, jobs.Config{RunWorkers: o.runWorkers, MaxWorkers: cfg.JobWorkers, MailWorkers: cfg.MailWorkers,
		Periodic: &jobs.Periodic{DigestHour: cfg.DigestHour, DigestWeekday: cfg.DigestWeekday, ReminderDays: cfg.ReminderDays,
			ReviewAfter: cfg.ReviewAfter}})
	if err != nil {
		return nil, err
	}
	svc := &service.Service{DB: p.DB, Authz: az, River: rc, BaseURL: cfg.BaseURL, Logger: p.Logger, Hasher: o.hasher,
		Files: p.Files, MaxAttachmentSize: cfg.MaxAttachmentSize, AttachmentQuota: cfg.AttachmentQuota, ClaimTTL: cfg.ClaimTTL,
		OverdueAfter: time.Duration(cfg.ReminderDays) * 24 * time.Hour, MailFrom: cfg.MailFrom, DataDir: cfg.DataDir}
	return &App{Authz: az, River: rc, Service: svc}, nil
}
