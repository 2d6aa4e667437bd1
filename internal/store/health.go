package store

import (
	"context"
	"path/filepath"
	"syscall"
)

// Ping checks that the database answers a query, through the pool that
// serves reads.
func (db *DB) Ping(ctx context.Context) error {
	var one int
	return db.Read.NewRaw("SELECT 1").Scan(ctx, &one)
}

// ProbeWrite proves that the database takes writes by rewriting the one
// row of health_checks; a full disk, a read-only file system or a standby
// server make it fail.
func (db *DB) ProbeWrite(ctx context.Context) error {
	_, err := db.Bun.NewRaw("INSERT INTO health_checks (id, checked_at) VALUES (1, ?) "+
		"ON CONFLICT (id) DO UPDATE SET checked_at = excluded.checked_at", Now()).Exec(ctx)
	return err
}

// QueueCounts are River's unfinished jobs by state.
type QueueCounts struct {
	Available, Running, Retryable int
}

// QueueCounts counts River's jobs waiting to run, running, and waiting to
// be retried.
func (db *DB) QueueCounts(ctx context.Context) (QueueCounts, error) {
	var rows []struct {
		State string `bun:"state"`
		N     int    `bun:"n"`
	}
	err := db.Read.NewSelect().TableExpr("river_job").ColumnExpr("state, count(*) AS n").
		Where("state IN ('available', 'running', 'retryable')").GroupExpr("state").Scan(ctx, &rows)
	var c QueueCounts
	for _, r := range rows {
		switch r.State {
		case "available":
			c.Available = r.N
		case "running":
			c.Running = r.N
		case "retryable":
			c.Retryable = r.N
		}
	}
	return c, err
}

// Folder returns the folder of the SQLite file ("" on PostgreSQL): the
// disk whose free space decides whether writes can succeed.
func (db *DB) Folder() string {
	if db.path == "" {
		return ""
	}
	return filepath.Dir(db.path)
}

// FreeSpace returns the bytes available to the application on the file
// system holding dir.
func FreeSpace(dir string) (uint64, error) {
	var st syscall.Statfs_t
	if err := syscall.Statfs(dir, &st); err != nil {
		return 0, err
	}
	return st.Bavail * uint64(st.Bsize), nil //nolint:gosec // G115: a block size is positive
}
