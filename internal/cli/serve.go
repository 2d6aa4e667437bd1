package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"time"

	"github.com/passerelle/passerelle/internal/config"
	"github.com/passerelle/passerelle/internal/demo"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/view"
	"github.com/passerelle/passerelle/internal/web"
	"github.com/passerelle/passerelle/ui"
)

func runServe(ctx context.Context, env Env, args []string) error {
	ph := newPhases()
	var cfg config.Config
	var loadDemo, workers bool
	var pprofAddr string
	err := parse("serve", env, args, &cfg, func(fs *flag.FlagSet) {
		fs.StringVar(&pprofAddr, "pprof", "", "serve Go's profiles (net/http/pprof) on this loopback address, e.g. 127.0.0.1:6060 (empty: off)")
		fs.BoolVar(&loadDemo, "demo", false, "load the demo data set into an empty database")
		fs.BoolVar(&workers, "workers", true, "run the River workers in this process (false: HTTP only, for scale-out)")
	})
	if err != nil {
		return err
	}
	// Locales and templates are read while the database opens.
	type parsed struct {
		engine *view.Engine
		err    error
	}
	templates := make(chan parsed, 1)
	go func() {
		catalog, err := view.LoadCatalog(ui.FS)
		if err != nil {
			templates <- parsed{err: fmt.Errorf("locales: %w", err)}
			return
		}
		engine, err := view.New(ui.FS, catalog)
		if err != nil {
			err = fmt.Errorf("templates: %w", err)
		}
		templates <- parsed{engine, err}
	}()
	if pprofAddr != "" {
		stop, err := servePprof(pprofAddr)
		if err != nil {
			return err
		}
		defer stop()
	}
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		return fmt.Errorf("listen on %s: %w", cfg.Addr, err)
	}
	defer ln.Close()
	cfg.Listening(ln.Addr().String())
	a, err := openServing(ctx, &cfg, env, workers, ph)
	if err != nil {
		return err
	}
	defer a.close()
	t := <-templates
	if t.err != nil {
		return t.err
	}
	engine := t.engine
	ph.done("templates")

	if loadDemo {
		switch err := demo.Load(ctx, a.svc); {
		case errors.Is(err, demo.ErrNotEmpty):
			a.logger.Info("demo data not loaded: the database already holds data")
		case err != nil:
			return fmt.Errorf("load demo data: %w", err)
		default:
			a.logger.Info("demo data loaded")
		}
	}

	// The catalogue of public lists is read in the background, from now:
	// from a snapshot of it and what changed since, or at 100,000
	// practices a second or more in full, which the first readers would
	// otherwise wait for before anything is served. Until it is read, the
	// public lists wait for it (see store.FindPractices). A failure is not
	// fatal: the first list loads it. The chores of a start wait for it:
	// they would only slow it down.
	ph.done("demo")
	loaded := make(chan struct{})
	store.LoadCatalogueInBackground(ctx, a.db, func(took time.Duration, err error) {
		defer close(loaded)
		if err != nil {
			a.logger.Warn("catalogue not loaded at start", slog.Any("err", err))
			return
		}
		a.logger.Info("catalogue loaded", slog.Duration("took", took), slog.Int64("from_snapshot", a.db.CatalogueSnapshotStart()))
	})

	// The next start begins from a snapshot of the catalogue, kept close
	// to the database's (store.KeepCatalogueSnapshot).
	go store.KeepCatalogueSnapshot(ctx, a.db, time.Minute, func(err error) {
		a.logger.Warn("saving the catalogue snapshot", slog.Any("err", err))
	})

	handler := web.New(a.svc, engine, web.Options{BaseURL: cfg.BaseURL, Secure: cfg.Secure(), Dialect: a.db.Dialect, Logger: a.logger,
		RequestTimeout: cfg.RequestTimeout, LongRequestTimeout: cfg.LongRequestTimeout, MaxRequests: cfg.MaxRequests,
		OAIRepositoryID: cfg.OAIRepositoryID, OAIAdminEmail: cfg.OAIAdminEmail, TrustedProxies: cfg.TrustedProxies})
	if env.Handler != nil {
		handler = env.Handler(handler)
	}
	srv := &http.Server{Handler: handler, ReadHeaderTimeout: 10 * time.Second, IdleTimeout: 2 * time.Minute,
		ErrorLog: slog.NewLogLogger(a.logger.Handler(), slog.LevelWarn)}

	ph.done("handler")
	if workers {
		if err := a.river.Start(context.WithoutCancel(ctx)); err != nil {
			return fmt.Errorf("start River: %w", err)
		}
	}
	ph.done("river")
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(ln) }()
	go func() {
		select {
		case <-loaded:
		case <-ctx.Done():
			return
		}
		// Teaching tools' languages written as free text are fixed once
		// serving: a read of every tool sheet, which need not delay it.
		if err := a.fixLanguages(ctx); err != nil && ctx.Err() == nil {
			a.logger.Warn("fixing the languages of teaching tools", slog.Any("err", err))
		}
		// Bodies the current Markdown renderer did not render (it
		// changed, or they were loaded in bulk) are rendered again in the
		// background; until then their pages render them on view.
		n, err := a.svc.RenderStaleBodies(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			a.logger.Warn("rendering bodies again", slog.Any("error", err))
		case n > 0:
			a.logger.Info("bodies rendered again", slog.Int("count", n))
		}
	}()
	// What starting left behind (loading the catalogue, the chores, the
	// first pages), and what later bursts of work leave, go back to the
	// system once the server is idle rather than over the next minutes: an
	// idle server stays small.
	go trimWhenIdle(ctx, a.logger)

	url := cfg.BaseURL
	fmt.Fprintf(env.Stdout, "Passerelle is running at %s (database: %s, workers: %t)\n", url, a.db.Dialect, workers)
	if demo.Loaded(ctx, a.svc) {
		printLogins(env)
	}
	if env.Ready != nil {
		env.Ready(ln.Addr().String())
	}
	ph.done("banner")
	ph.log(a.logger, "serving")

	select {
	case err := <-serveErr:
		return err
	case <-ctx.Done():
	}
	a.logger.Info("shutting down")
	err = shutdown(a, srv, cfg.ShutdownTimeout, workers)
	// The next start begins where this process's catalogue is, when the
	// saved snapshot is well behind it.
	sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if serr := store.SaveCatalogueSnapshotIfBehind(sctx, a.db); serr != nil {
		a.logger.Warn("saving the catalogue snapshot", slog.Any("err", serr))
	}
	return err
}

// shutdown stops accepting connections, lets in-flight requests and jobs
// finish, and gives up within timeout: a job still running then is cancelled
// and River runs it again later (nothing committed is lost).
func shutdown(a *app, srv *http.Server, timeout time.Duration, workers bool) error {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	var errs []error
	if srv != nil {
		if err := srv.Shutdown(ctx); err != nil {
			errs = append(errs, fmt.Errorf("HTTP shutdown: %w", err))
		}
	}
	if workers {
		soft, cancelSoft := context.WithTimeout(ctx, timeout*2/3)
		defer cancelSoft()
		if err := a.river.Stop(soft); err != nil {
			a.logger.Warn("jobs still running; cancelling them, River will retry them", slog.Any("err", err))
			if err := a.river.StopAndCancel(ctx); err != nil {
				errs = append(errs, fmt.Errorf("stop River: %w", err))
			}
		}
	}
	return errors.Join(errs...)
}

func printLogins(env Env) {
	fmt.Fprintf(env.Stdout, "Demo accounts (password %q):\n", demo.DemoPassword)
	for _, a := range demo.Logins() {
		role := "lecteur"
		switch {
		case a.Admin:
			role = "administrateur"
		case len(a.Grants) > 0:
			role = ""
			for i, g := range a.Grants {
				if i > 0 {
					role += ", "
				}
				role += map[string]string{"contributor": "contributeur", "moderator": "modérateur"}[g.Role] + " " + g.Territory
			}
		}
		fmt.Fprintf(env.Stdout, "  %-34s %s (%s)\n", a.Email, a.Name, role)
	}
}

func runWorker(ctx context.Context, env Env, args []string) error {
	var cfg config.Config
	if err := parse("worker", env, args, &cfg, nil); err != nil {
		return err
	}
	a, err := open(ctx, &cfg, env, true)
	if err != nil {
		return err
	}
	defer a.close()
	if err := a.river.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("start River: %w", err)
	}
	fmt.Fprintf(env.Stdout, "Passerelle worker running (database: %s)\n", a.db.Dialect)
	<-ctx.Done()
	a.logger.Info("shutting down")
	return shutdown(a, nil, cfg.ShutdownTimeout, true)
}

func runMigrate(ctx context.Context, env Env, args []string) error {
	var cfg config.Config
	if err := parse("migrate", env, args, &cfg, nil); err != nil {
		return err
	}
	a, err := open(ctx, &cfg, env, false)
	if err != nil {
		return err
	}
	a.close()
	fmt.Fprintln(env.Stdout, "migrations applied")
	return nil
}
