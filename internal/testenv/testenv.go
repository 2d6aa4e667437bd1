// Package testenv gives tests real databases: an embedded SQLite file per
// test, and — when PASSERELLE_TEST_DATABASE_URL is set — a PostgreSQL schema
// per test on that server. Setup wires the whole application on top, the same
// way the passerelle command does.
package testenv

import (
	"cmp"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"io"
	"log/slog"
	"net/url"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/alexedwards/argon2id"
	"github.com/riverqueue/river"
	"gocloud.dev/blob"

	"github.com/passerelle/passerelle/internal/authz"
	"github.com/passerelle/passerelle/internal/bucket"
	"github.com/passerelle/passerelle/internal/config"
	"github.com/passerelle/passerelle/internal/jobs"
	"github.com/passerelle/passerelle/internal/mail"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/wiring"
)

// PostgresURLVar names the variable holding the PostgreSQL server to test on.
const PostgresURLVar = "PASSERELLE_TEST_DATABASE_URL"

var warnOnce sync.Once

// Dialects returns the databases the suite runs on: SQLite always, and
// PostgreSQL when PASSERELLE_TEST_DATABASE_URL is set. Without it, it says so
// loudly, once per test binary.
func Dialects(t testing.TB) []string {
	if os.Getenv(PostgresURLVar) != "" {
		return []string{store.SQLite, store.Postgres}
	}
	warnOnce.Do(func() {
		t.Logf("*** %s is not set: PostgreSQL tests are SKIPPED; set it (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable) to run them ***", PostgresURLVar)
		_, _ = os.Stderr.WriteString("\n*** WARNING: " + PostgresURLVar + " is not set: the PostgreSQL half of the suite is SKIPPED ***\n\n")
	})
	return []string{store.SQLite}
}

// EachDialect runs fn as a parallel subtest on each database of Dialects.
func EachDialect(t *testing.T, fn func(t *testing.T, dialect string)) {
	for _, d := range Dialects(t) {
		t.Run(d, func(t *testing.T) {
			t.Parallel()
			fn(t, d)
		})
	}
}

func randomName() string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// DatabaseURL returns a fresh, empty database for one test and the data
// directory to go with it: "" (SQLite in the data dir) or a PostgreSQL URL
// whose search_path is a new schema, dropped when the test ends.
func DatabaseURL(t testing.TB, dialect string) (databaseURL, dataDir string) {
	t.Helper()
	dataDir = t.TempDir()
	if dialect == store.SQLite {
		return "", dataDir
	}
	base := os.Getenv(PostgresURLVar)
	if base == "" {
		t.Skipf("%s is not set", PostgresURLVar)
	}
	schema := "t_" + randomName()
	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("create schema on %s: %v", base, err)
	}
	t.Cleanup(func() {
		defer func() { _ = admin.Close() }()
		if _, err := admin.Exec("DROP SCHEMA " + schema + " CASCADE"); err != nil {
			t.Logf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String(), dataDir
}

// OpenDB opens and migrates a fresh database.
func OpenDB(t testing.TB, dialect string) (*store.DB, string) {
	t.Helper()
	db, _, dataDir := openDB(t, dialect)
	return db, dataDir
}

func openDB(t testing.TB, dialect string) (*store.DB, string, string) {
	t.Helper()
	dbURL, dataDir := DatabaseURL(t, dialect)
	db, err := store.Open(context.Background(), dbURL, dataDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	if _, err := db.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return db, dbURL, dataDir
}

// MailFrom is the sender of the e-mails of tests.
const MailFrom = "Passerelle <noreply@passerelle.test>"

// FastHasher keeps argon2id but with tiny parameters, so that tests creating
// many accounts stay quick. Never use it outside tests.
var FastHasher = service.Hasher{Params: &argon2id.Params{Memory: 64, Iterations: 1, Parallelism: 1, SaltLength: 16, KeyLength: 32}}

// Bundle is what a test gets from Setup.
type Bundle struct {
	Dialect string
	DB      *store.DB
	// DatabaseURL is the database's URL ("" for the SQLite file of
	// DataDir), for a test to open it again as another process would.
	DatabaseURL string
	DataDir     string
	Authz       *authz.Authorizer
	River       *river.Client[*sql.Tx]
	Service     *service.Service
	Outbox      string
	BaseURL     string
	// Files is the attachments bucket: <DataDir>/attachments.
	Files *blob.Bucket
}

// Options tunes Setup.
type Options struct {
	// RunWorkers starts River's workers; otherwise jobs stay queued for the
	// test to inspect or to work explicitly.
	RunWorkers bool
	// Mail replaces the outbox sender.
	Mail mail.Sender
	// BaseURL replaces the site's public URL, http://passerelle.test.
	BaseURL string
}

// Config is the configuration tests run with: the binary's defaults for
// what the wiring reads, with the site's URL, sender and data directory of
// the test.
func Config(baseURL, dataDir string) *config.Config {
	per := jobs.DefaultPeriodic
	return &config.Config{BaseURL: baseURL, MailFrom: MailFrom, DataDir: dataDir,
		DigestHour: per.DigestHour, DigestWeekday: per.DigestWeekday, ReminderDays: per.ReminderDays}
}

// build wires the application over db as the binary does (wiring.Build),
// with the tests' tiny password hasher.
func build(t testing.TB, db *store.DB, cfg *config.Config, sender mail.Sender, files *blob.Bucket, logger *slog.Logger, runWorkers bool) *wiring.App {
	t.Helper()
	a, err := wiring.Build(context.Background(), cfg, wiring.Parts{DB: db, Mail: sender, Files: files, Logger: logger},
		wiring.RunWorkers(runWorkers), wiring.WithHasher(FastHasher))
	if err != nil {
		t.Fatal(err)
	}
	if runWorkers {
		if err := a.River.Start(context.Background()); err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = a.River.Stop(context.Background()) })
	}
	return a
}

// Setup builds the application on a fresh database of dialect.
func Setup(t testing.TB, dialect string, opts Options) *Bundle {
	t.Helper()
	ctx := context.Background()
	db, dbURL, dataDir := openDB(t, dialect)
	b := &Bundle{Dialect: dialect, DB: db, DatabaseURL: dbURL, DataDir: dataDir, Outbox: filepath.Join(dataDir, "outbox"), BaseURL: cmp.Or(opts.BaseURL, "http://passerelle.test")}
	sender := opts.Mail
	var err error
	if sender == nil {
		if sender, err = mail.New(mail.Config{From: MailFrom, OutboxDir: b.Outbox}); err != nil {
			t.Fatal(err)
		}
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	if testing.Verbose() {
		logger = slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	if b.Files, err = bucket.Open(ctx, "", dataDir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = b.Files.Close() })
	a := build(t, db, Config(b.BaseURL, dataDir), sender, b.Files, logger, opts.RunWorkers)
	b.Authz, b.River, b.Service = a.Authz, a.River, a.Service
	return b
}

// SecondWorker opens the bundle's database again and runs River workers on
// it, as a second process of the same installation would: jobs are then
// shared between the two. It is stopped when the test ends.
func SecondWorker(t testing.TB, b *Bundle) *river.Client[*sql.Tx] {
	t.Helper()
	ctx := context.Background()
	db, err := store.Open(ctx, b.DatabaseURL, b.DataDir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	sender, err := mail.New(mail.Config{From: MailFrom, OutboxDir: b.Outbox})
	if err != nil {
		t.Fatal(err)
	}
	logger := slog.New(slog.NewTextHandler(io.Discard, nil))
	return build(t, db, Config(b.BaseURL, b.DataDir), sender, b.Files, logger, true).River
}
