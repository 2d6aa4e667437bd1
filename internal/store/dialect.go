package store

import (
	"github.com/uptrace/bun"
	"github.com/uptrace/bun/dialect"
)

// The store speaks two dialects, SQLite and PostgreSQL. Every place where
// they differ asks one of the two functions below, and nothing else (not
// DB.Dialect, not the Bun dialect's name): both panic on a dialect that is
// neither, so that a third one could never be taken silently for the other
// in an if/else. The differences themselves are named helpers next to the
// query they serve: searchCond, rankedJoin and tsquery (search.go),
// fastCommit (emails.go), readOptions (catalogue.go), SettleBefore
// (subscriptions.go), SettleChanges (opendata.go), Optimize and
// PrepareBulkLoad (bulk.go), the migration lock (migrate.go).

// isPostgres tells the dialect of the connection or transaction behind db.
func isPostgres(db bun.IDB) bool {
	switch name := db.Dialect().Name(); name {
	case dialect.PG:
		return true
	case dialect.SQLite:
		return false
	default:
		panic("store: unknown dialect " + name.String())
	}
}

// isPostgres tells the dialect of db.
func (db *DB) isPostgres() bool {
	switch db.Dialect {
	case Postgres:
		return true
	case SQLite:
		return false
	default:
		panic("store: unknown dialect " + db.Dialect)
	}
}

// ConcurrentWriters reports whether the database takes writes from many
// connections at once (PostgreSQL) rather than from one writer at a time
// (SQLite): how many job or bulk-load workers are worth running.
func (db *DB) ConcurrentWriters() bool { return db.isPostgres() }
