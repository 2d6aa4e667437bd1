package store

import (
	"context"
	"fmt"
	"io/fs"
	"path"
	"slices"

	"github.com/riverqueue/river/rivermigrate"
	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/migrations"
)

// Migrate applies the pending migrations: the application's (each file in a
// transaction together with its record in schema_migrations, so that a crash
// never leaves one half-applied) and then River's. Several processes may start
// at once: on PostgreSQL an advisory lock makes the others wait; on SQLite the
// single writer does.
func (db *DB) Migrate(ctx context.Context) (applied []string, err error) {
	if _, err := db.Bun.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		name TEXT PRIMARY KEY, applied_at TIMESTAMP NOT NULL)`); err != nil {
		return nil, fmt.Errorf("create schema_migrations: %w", err)
	}
	dir := db.Dialect
	names, err := fs.Glob(migrations.FS, dir+"/*.sql")
	if err != nil {
		return nil, err
	}
	slices.Sort(names)
	// What is applied already, read once: each migration's own check runs
	// in a transaction of its own, under PostgreSQL's advisory lock — some
	// twenty round trips at every start for nothing. A migration not in the
	// list is checked again under the lock (another process may be applying
	// it).
	var done []string
	if err := db.Bun.NewSelect().Table("schema_migrations").Column("name").Scan(ctx, &done); err != nil {
		return nil, fmt.Errorf("read schema_migrations: %w", err)
	}
	for _, name := range names {
		if slices.Contains(done, path.Base(name)) {
			continue
		}
		ok, err := db.applyMigration(ctx, name)
		if err != nil {
			return applied, fmt.Errorf("migration %s: %w", path.Base(name), err)
		}
		if ok {
			applied = append(applied, path.Base(name))
		}
	}
	migrator, err := rivermigrate.New(db.river, nil)
	if err != nil {
		return applied, err
	}
	res, err := migrator.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return applied, fmt.Errorf("River migrations: %w", err)
	}
	for _, v := range res.Versions {
		applied = append(applied, fmt.Sprintf("river_%03d_%s", v.Version, v.Name))
	}
	return applied, nil
}

func (db *DB) applyMigration(ctx context.Context, name string) (applied bool, err error) {
	body, err := fs.ReadFile(migrations.FS, name)
	if err != nil {
		return false, err
	}
	base := path.Base(name)
	err = db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if db.isPostgres() {
			// Held until the transaction ends: a second process waits here,
			// then sees the migration recorded and skips it.
			// A migration may rewrite a large table, and the lock may be
			// held by another process's: neither is bound by the usual
			// statement timeout (PostgresTimeouts).
			if _, err := tx.ExecContext(ctx, `SET LOCAL statement_timeout = 0`); err != nil {
				return err
			}
			if _, err := tx.ExecContext(ctx, `SELECT pg_advisory_xact_lock(7301955)`); err != nil {
				return err
			}
		}
		n, err := tx.NewSelect().Table("schema_migrations").Where("name = ?", base).Count(ctx)
		if err != nil || n > 0 {
			return err
		}
		if _, err := tx.ExecContext(ctx, string(body)); err != nil {
			return err
		}
		if _, err := tx.NewInsert().Model(&map[string]any{"name": base, "applied_at": Now()}).
			TableExpr("schema_migrations").Exec(ctx); err != nil {
			return err
		}
		applied = true
		return nil
	})
	return applied, err
}
