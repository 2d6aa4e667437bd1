// Package store keeps Passerelle's data in embedded SQLite or PostgreSQL
// through bun. It owns the connection (shared with River, so that a change and
// the jobs it causes commit together), the migrations, and the queries; the
// rules of the product live in the service package that calls it.
package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // the "pgx" database/sql driver
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect/pgdialect"
	"github.com/uptrace/bun/dialect/sqlitedialect"
	_ "modernc.org/sqlite" // the "sqlite" database/sql driver, pure Go
)

// Dialect names, as reported by /healthz.
const (
	SQLite   = "sqlite"
	Postgres = "postgres"
)

// DB is an open database. Bun and River share its write handle, so that a
// state change and the jobs it causes commit in one transaction. Read serves
// queries made outside a transaction: on SQLite it is a separate pool of
// read-only connections (WAL lets them run beside the single writer); on
// PostgreSQL it is the same pool as Bun.
type DB struct {
	Bun     *bun.DB
	Read    *bun.DB
	Dialect string
	river   riverdriver.Driver[*sql.Tx]
	listen  *pgxpool.Pool  // PostgreSQL: River's LISTEN connections (openPostgres)
	cat     catalogueCache // the published practices as lists see them (catalogue.go)
	path    string         // the SQLite file; "" on PostgreSQL
}

// Open connects to databaseURL: a postgres:// (or postgresql://) URL selects
// PostgreSQL; an empty URL selects the embedded SQLite file
// <dataDir>/passerelle.db, created when missing. It returns an error naming
// the problem for a malformed URL, an unknown scheme or an unreachable server.
func Open(ctx context.Context, databaseURL, dataDir string) (*DB, error) {
	switch {
	case databaseURL == "":
		if err := os.MkdirAll(dataDir, 0o750); err != nil {
			return nil, fmt.Errorf("create data directory: %w", err)
		}
		return openSQLite(ctx, filepath.Join(dataDir, "passerelle.db"))
	case strings.HasPrefix(databaseURL, "postgres://"), strings.HasPrefix(databaseURL, "postgresql://"):
		if _, err := url.Parse(databaseURL); err != nil {
			return nil, fmt.Errorf("bad database URL: %w", err)
		}
		return openPostgres(ctx, databaseURL)
	case strings.HasPrefix(databaseURL, "sqlite:"), strings.HasPrefix(databaseURL, "file:"):
		path := strings.TrimPrefix(strings.TrimPrefix(strings.TrimPrefix(databaseURL, "sqlite:"), "file:"), "//")
		if path == "" {
			return nil, errors.New("bad database URL: no SQLite file path")
		}
		return openSQLite(ctx, path)
	default:
		return nil, errors.New("bad database URL: expected postgres://… (or empty for embedded SQLite)")
	}
}

func sqliteDSN(path string, readOnly bool) string {
	q := url.Values{}
	for _, p := range []string{"journal_mode(WAL)", "busy_timeout(10000)", "foreign_keys(1)", "synchronous(NORMAL)"} {
		q.Add("_pragma", p)
	}
	if readOnly {
		q.Add("_pragma", "query_only(1)")
	} else {
		q.Set("_txlock", "immediate")
	}
	q.Set("_time_format", "sqlite")
	return "file:" + path + "?" + q.Encode()
}

func openSQLite(ctx context.Context, path string) (*DB, error) {
	write, err := sql.Open("sqlite", sqliteDSN(path, false))
	if err != nil {
		return nil, err
	}
	// SQLite has one writer at a time; River's own documentation asks for a
	// single connection so that its background work never meets SQLITE_BUSY.
	write.SetMaxOpenConns(1)
	write.SetConnMaxIdleTime(0)
	if err := write.PingContext(ctx); err != nil {
		return nil, errors.Join(fmt.Errorf("open SQLite database %s: %w", path, err), write.Close())
	}
	read, err := sql.Open("sqlite", sqliteDSN(path, true))
	if err != nil {
		return nil, errors.Join(err, write.Close())
	}
	read.SetMaxOpenConns(4)
	read.SetMaxIdleConns(4)
	w := bun.NewDB(write, sqlitedialect.New())
	return &DB{Bun: w, Read: bun.NewDB(read, sqlitedialect.New()), Dialect: SQLite, river: riversqlite.New(write), path: path}, nil
}

// PostgresTimeouts are the deadlines every PostgreSQL connection gets
// unless the database URL sets them: connecting (pgx's connect_timeout,
// seconds), one statement, and a transaction left idle — so that a stalled
// network or a forgotten transaction never holds a connection, or the
// server's locks, for good. A URL parameter of the same name wins.
var PostgresTimeouts = map[string]string{
	"connect_timeout":                     "5",
	"statement_timeout":                   "60s",
	"idle_in_transaction_session_timeout": "60s",
}

// withTimeouts adds PostgresTimeouts to databaseURL where it has none.
func withTimeouts(databaseURL string) (string, error) {
	u, err := url.Parse(databaseURL)
	if err != nil {
		return "", err
	}
	q := u.Query()
	for k, v := range PostgresTimeouts {
		if !q.Has(k) {
			q.Set(k, v)
		}
	}
	u.RawQuery = q.Encode()
	return u.String(), nil
}

func openPostgres(ctx context.Context, databaseURL string) (*DB, error) {
	databaseURL, err := withTimeouts(databaseURL)
	if err != nil {
		return nil, fmt.Errorf("bad database URL: %w", err)
	}
	sqldb, err := sql.Open("pgx", databaseURL)
	if err != nil {
		return nil, fmt.Errorf("bad database URL: %w", err)
	}
	sqldb.SetMaxOpenConns(20)
	sqldb.SetMaxIdleConns(10)
	sqldb.SetConnMaxIdleTime(5 * time.Minute)
	pctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	if err := sqldb.PingContext(pctx); err != nil {
		return nil, errors.Join(fmt.Errorf("connect to PostgreSQL: %w", err), sqldb.Close())
	}
	// River inserts its jobs through database/sql, in the same transaction
	// as the change that causes them, and is told of them at once through
	// LISTEN/NOTIFY on a connection of its own from a small pgx pool (the
	// poll stays as the fallback, jobs.FetchTimings): a job is picked up
	// within milliseconds of its commit instead of at the next poll.
	lcfg, err := pgxpool.ParseConfig(databaseURL)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("bad database URL: %w", err), sqldb.Close())
	}
	lcfg.MinConns, lcfg.MaxConns = 0, 2
	listen, err := pgxpool.NewWithConfig(ctx, lcfg)
	if err != nil {
		return nil, errors.Join(fmt.Errorf("connect to PostgreSQL: %w", err), sqldb.Close())
	}
	b := bun.NewDB(sqldb, pgdialect.New())
	return &DB{Bun: b, Read: b, Dialect: Postgres, river: riverdatabasesql.NewWithPgxListener(sqldb, listen), listen: listen}, nil
}

// Notifies reports whether River is told of a new job as it commits
// (LISTEN/NOTIFY, on PostgreSQL) rather than finding it at its next poll.
func (db *DB) Notifies() bool { return db.listen != nil }

// RiverDriver returns the River driver over the shared write handle.
func (db *DB) RiverDriver() riverdriver.Driver[*sql.Tx] { return db.river }

// Close closes every pool.
func (db *DB) Close() error {
	err := db.Bun.Close()
	if db.Read != db.Bun {
		err = errors.Join(err, db.Read.Close())
	}
	if db.listen != nil {
		db.listen.Close()
	}
	return err
}

// InTx runs fn in a transaction on the write handle, committing when fn
// returns nil and rolling back otherwise (also on panic).
func (db *DB) InTx(ctx context.Context, fn func(ctx context.Context, tx bun.Tx) error) error {
	return db.Bun.RunInTx(ctx, nil, fn)
}

// Now returns the current time as stored: UTC, to the microsecond (what
// PostgreSQL keeps), so that both databases order and compare alike.
func Now() time.Time { return time.Now().UTC().Truncate(time.Microsecond) }
