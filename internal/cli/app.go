package cli

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log/slog"

	"github.com/riverqueue/river"
	"gocloud.dev/blob"

	"github.com/passerelle/passerelle/internal/bucket"
	"github.com/passerelle/passerelle/internal/config"
	"github.com/passerelle/passerelle/internal/mail"
	"github.com/passerelle/passerelle/internal/oidc"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/web"
	"github.com/passerelle/passerelle/internal/wiring"
)

// app is the wired application.
type app struct {
	cfg    *config.Config
	logger *slog.Logger
	db     *store.DB
	river  *river.Client[*sql.Tx]
	svc    *service.Service
	files  *blob.Bucket
	mail   mail.Sender
}

func newLogger(cfg *config.Config, env Env) *slog.Logger {
	var level slog.Level
	_ = level.UnmarshalText([]byte(cfg.LogLevel))
	return slog.New(slog.NewTextHandler(env.Stderr, &slog.HandlerOptions{Level: level}))
}

// open checks every setting that can be checked without touching anything
// — the mail settings, the attachments bucket — then connects to the
// database, applies pending migrations, and builds the service with an
// insert-only or a working River client. A bad setting is reported before
// any folder, file or table is created.
func open(ctx context.Context, cfg *config.Config, env Env, runWorkers bool) (*app, error) {
	return openWith(ctx, cfg, env, runWorkers, true, nil)
}

func openWith(ctx context.Context, cfg *config.Config, env Env, runWorkers, fixNow bool, ph *phases) (*app, error) {
	logger := newLogger(cfg, env)
	sender, err := mail.New(mail.Config{SMTPURL: cfg.SMTPURL, From: cfg.MailFrom, OutboxDir: cfg.OutboxDir(),
		MaxIdle: cfg.MailWorkers})
	if err != nil {
		return nil, err
	}
	if err := bucket.Check(ctx, cfg.AttachmentsURL); err != nil {
		return nil, err
	}
	ph.done("settings")
	db, err := store.Open(ctx, cfg.DatabaseURL, cfg.DataDir)
	if err != nil {
		return nil, err
	}
	ph.done("connect")
	a := &app{cfg: cfg, logger: logger, db: db, mail: sender}
	if _, err := db.Migrate(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("migrate: %w", err), db.Close())
	}
	ph.done("migrations")
	files, err := bucket.Open(ctx, cfg.AttachmentsURL, cfg.DataDir)
	if err != nil {
		return nil, errors.Join(err, db.Close())
	}
	a.files = files
	built, err := wiring.Build(ctx, cfg, wiring.Parts{DB: db, Mail: sender, Files: files, Logger: logger}, wiring.RunWorkers(runWorkers))
	if err != nil {
		return nil, errors.Join(err, files.Close(), db.Close())
	}
	a.river, a.svc = built.River, built.Service
	ph.done("wiring")
	if cfg.OIDCIssuer != "" {
		// Lazy: the provider is asked for its discovery document at the
		// first sign-in, so that one that is down never delays start-up.
		a.svc.Provider = oidc.New(oidc.Config{Issuer: cfg.OIDCIssuer, ClientID: cfg.OIDCClientID, ClientSecret: cfg.OIDCClientSecret,
			RedirectURL: cfg.BaseURL + web.OIDCCallbackPath, Scopes: cfg.OIDCScopes, ACRValues: cfg.OIDCACRValues,
			Label: cfg.OIDCLabel, Logger: logger})
		a.svc.TrustProviderEmail = cfg.OIDCTrustEmail
	}
	if fixNow {
		if err := a.fixLanguages(ctx); err != nil {
			a.close()
			return nil, err
		}
	}
	return a, nil
}

// openServing is open for a server, which fixes the languages of teaching
// tools (a read of every tool sheet, most of a second at 100,000 practices)
// in the background, once it serves: see runServe.
func openServing(ctx context.Context, cfg *config.Config, env Env, runWorkers bool, ph *phases) (*app, error) {
	return openWith(ctx, cfg, env, runWorkers, false, ph)
}

// fixLanguages maps the languages of teaching tools written as free text
// before they were chosen from a list to their codes where they can be, and
// names to the operator those where they cannot (their authors are asked
// when they next edit the sheet).
func (a *app) fixLanguages(ctx context.Context) error {
	unmapped, err := a.svc.FixLanguages(ctx)
	if err != nil {
		return fmt.Errorf("languages of teaching tools: %w", err)
	}
	for _, u := range unmapped {
		a.logger.Warn("a teaching tool's language is no BCP 47 code of the list; its author will be asked to choose one",
			slog.Int64("practice", u.PracticeID), slog.String("value", u.Value))
	}
	return nil
}

func (a *app) close() {
	if c, ok := a.mail.(io.Closer); ok {
		_ = c.Close() // says goodbye on the SMTP connections kept open
	}
	if a.files != nil {
		if err := a.files.Close(); err != nil {
			a.logger.Error("close attachments bucket", slog.Any("err", err))
		}
	}
	if err := a.db.Close(); err != nil {
		a.logger.Error("close database", slog.Any("err", err))
	}
}
