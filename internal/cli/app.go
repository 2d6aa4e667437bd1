package cli

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"

	"github.com/riverqueue/river"

	"github.com/passerelle/passerelle/internal/authz"
	"github.com/passerelle/passerelle/internal/config"
	"github.com/passerelle/passerelle/internal/jobs"
	"github.com/passerelle/passerelle/internal/mail"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/store"
)

// app is the wired application.
type app struct {
	cfg    *config.Config
	logger *slog.Logger
	db     *store.DB
	river  *river.Client[*sql.Tx]
	svc    *service.Service
}

func newLogger(cfg *config.Config, env Env) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	return slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: level}))
}

// open connects to the database, applies pending migrations, and builds the
// service with an insert-only or a working River client.
func open(ctx context.Context, cfg *config.Config, env Env, runWorkers bool) (*app, error) {
	logger := newLogger(cfg, env)
	db, err := store.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	a := &app{cfg: cfg, logger: logger, db: db}
	if _, err := db.Migrate(ctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("migrate: %w", err)
	}
	az, err := authz.New(ctx, db)
	if err != nil {
		db.Close()
		return nil, err
	}
	sender, err := mail.New(mail.Config{SMTPURL: cfg.SMTPURL, From: cfg.MailFrom, OutboxDir: cfg.OutboxDir()})
	if err != nil {
		db.Close()
		return nil, err
	}
	rc, err := jobs.NewClient(jobs.Deps{DB: db, Authz: az, Mail: sender, BaseURL: cfg.BaseURL, Logger: logger}, jobs.Config{RunWorkers: runWorkers})
	if err != nil {
		db.Close()
		return nil, err
	}
	a.river = rc
	a.svc = &service.Service{DB: db, Authz: az, River: rc, BaseURL: cfg.BaseURL, Logger: logger, Hasher: service.DefaultHasher}
	return a, nil
}

func (a *app) close() {
	if err := a.db.Close(); err != nil {
		a.logger.Error("close database", slog.Any("err", err))
	}
}
