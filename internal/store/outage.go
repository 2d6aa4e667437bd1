package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"io/fs"
	"net"
	"strings"
	"syscall"

	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// Outage reports whether err says that the database or the disk cannot
// serve right now — a deadline passed while waiting for it, the connection
// could not be made or broke, the server refuses work for lack of
// resources, the disk is full, read-only or failing — rather than that the
// request or the code was wrong. Such an error is answered "503 unavailable,
// retry later", never "500 internal". A context cancelled by the caller
// (the client went away) is not an outage.
func Outage(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) {
		return false
	}
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, driver.ErrBadConn) || errors.Is(err, sql.ErrConnDone) ||
		errors.Is(err, io.ErrUnexpectedEOF) {
		return true
	}
	for _, errno := range []syscall.Errno{syscall.ENOSPC, syscall.EDQUOT, syscall.EIO, syscall.EROFS,
		syscall.ECONNREFUSED, syscall.ECONNRESET, syscall.EPIPE, syscall.ETIMEDOUT, syscall.EHOSTUNREACH, syscall.ENETUNREACH} {
		if errors.Is(err, errno) {
			return true
		}
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		return true
	}
	var opErr *net.OpError
	if errors.As(err, &opErr) {
		return true
	}
	// database/sql's own "database is closed" (the process is stopping).
	if strings.Contains(err.Error(), "sql: database is closed") {
		return true
	}
	if pgOutage(err) || sqliteOutage(err) {
		return true
	}
	var pe *fs.PathError
	return errors.As(err, &pe) && errors.Is(pe.Err, syscall.ENOSPC)
}

// pgOutage recognises PostgreSQL's own ways of saying it cannot serve.
func pgOutage(err error) bool {
	if pgconn.Timeout(err) {
		return true
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		return true
	}
	var pe *pgconn.PgError
	if !errors.As(err, &pe) {
		// pgx reports a connection lost mid-query with a plain message.
		msg := err.Error()
		return strings.Contains(msg, "conn closed") || strings.Contains(msg, "unexpected EOF")
	}
	switch pe.Code {
	case "57014", // query_canceled: statement_timeout
		"25P03",                   // idle_in_transaction_session_timeout
		"55P03",                   // lock_not_available: lock_timeout
		"57P01", "57P02", "57P03", // admin_shutdown, crash_shutdown, cannot_connect_now
		"25006", // read_only_sql_transaction: a standby
		"58030": // io_error
		return true
	}
	// Class 08: connection exception; class 53: insufficient resources
	// (disk full, out of memory, too many connections).
	return strings.HasPrefix(pe.Code, "08") || strings.HasPrefix(pe.Code, "53")
}

// sqliteOutage recognises SQLite's: the disk is full or failing, the
// database is locked for longer than busy_timeout, the call was
// interrupted by its deadline.
func sqliteOutage(err error) bool {
	var se *sqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code() & 0xff { // the primary code of an extended one
	case sqlite3.SQLITE_FULL, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_READONLY,
		sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_INTERRUPT, sqlite3.SQLITE_NOMEM, sqlite3.SQLITE_PROTOCOL:
		return true
	}
	return false
}

// DiskFull reports whether err says the disk has no space left: /healthz
// then reports the database as not writable.
func DiskFull(err error) bool {
	if err == nil {
		return false
	}
	if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EDQUOT) {
		return true
	}
	var se *sqlite.Error
	if errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_FULL {
		return true
	}
	var pe *pgconn.PgError
	return errors.As(err, &pe) && pe.Code == "53100" // disk_full
}
