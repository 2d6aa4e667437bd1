package faults

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/passerelle/passerelle/internal/store"
)

// badSettings are settings a start must refuse before touching anything.
var badSettings = []struct{ name, flag, value string }{
	{"SMTP URL, unknown scheme", "--smtp-url", "smtpx://mail.example.org"},
	{"SMTP URL, port not a number", "--smtp-url", "smtp://mail.example.org:abc"},
	{"SMTP URL, no host", "--smtp-url", "smtp://"},
	{"SMTP URL, malformed", "--smtp-url", "smtp://%zz"},
	{"sender address", "--mail-from", "Passerelle <pas une adresse>"},
	{"attachments bucket, unknown scheme", "--attachments-url", "nope://bucket"},
	{"attachments bucket, bad S3 option", "--attachments-url", "s3://bucket?nonsense=1"},
	{"base URL", "--base-url", "ftp://passerelle.example.org"},
}

// runConfig starts serve with each bad setting, on a data directory that
// does not exist yet and on an empty PostgreSQL database: each start must
// exit non-zero with one line on stderr and leave nothing behind — no
// data directory, no SQLite file, no table.
func runConfig(ctx context.Context, cfg *Config) []*Result {
	var out []*Result
	for _, d := range cfg.dialects() {
		r := &Result{Name: "config: bad settings, " + d}
		if err := badConfig(ctx, cfg, r, d); err != nil {
			r.Failures = append(r.Failures, err.Error())
		}
		out = append(out, r)
	}
	return out
}

func badConfig(ctx context.Context, cfg *Config, r *Result, dialect string) error {
	site, err := NewSite(ctx, cfg, dialect, "")
	if err != nil {
		return err
	}
	defer site.Close()
	for _, bad := range badSettings {
		dataDir := filepath.Join(site.DataDir, "never")
		cctx, cancel := context.WithTimeout(ctx, 60*time.Second)
		cmd := exec.CommandContext(cctx, cfg.Binary, "serve", "--addr", "127.0.0.1:0", "--data-dir", dataDir,
			"--database-url", site.DatabaseURL, bad.flag, bad.value)
		var stdout, stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		began := time.Now()
		err := cmd.Run()
		took := time.Since(began)
		cancel()
		code := cmd.ProcessState.ExitCode()
		lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
		left := leftovers(ctx, site, dataDir)
		r.printf("%-36s exit %d in %s, %d line(s): %s; left behind: %s", bad.name, code, ms(took), len(lines), lines[0], left)
		r.check(err != nil && code != 0 && code != -1, "%s: exit %d (%v)", bad.name, code, err)
		r.check(len(lines) == 1, "%s: %d lines on stderr", bad.name, len(lines))
		r.check(left == "nothing", "%s: left %s", bad.name, left)
		_ = os.RemoveAll(dataDir)
		if err := site.emptyDatabase(ctx); err != nil {
			return err
		}
	}
	return nil
}

// leftovers says what a failed start left: the data directory, or tables
// in the PostgreSQL database.
func leftovers(ctx context.Context, site *Site, dataDir string) string {
	var found []string
	if entries, err := os.ReadDir(dataDir); err == nil {
		names := []string{}
		for _, e := range entries {
			names = append(names, e.Name())
		}
		found = append(found, fmt.Sprintf("data directory %v", names))
	}
	if site.Dialect == store.Postgres {
		db, err := sql.Open("pgx", site.DatabaseURL)
		if err == nil {
			defer func() { _ = db.Close() }()
			var n int
			if err := db.QueryRowContext(ctx, "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'").Scan(&n); err == nil && n > 0 {
				found = append(found, fmt.Sprintf("%d tables", n))
			}
		}
	}
	if len(found) == 0 {
		return "nothing"
	}
	return strings.Join(found, ", ")
}

// emptyDatabase drops whatever a start created in the PostgreSQL database,
// so that the next case starts from an empty one.
func (s *Site) emptyDatabase(ctx context.Context) error {
	if s.Dialect != store.Postgres {
		return nil
	}
	db, err := sql.Open("pgx", s.DatabaseURL)
	if err != nil {
		return err
	}
	defer func() { _ = db.Close() }()
	_, err = db.ExecContext(ctx, "DROP SCHEMA public CASCADE; CREATE SCHEMA public")
	return err
}
