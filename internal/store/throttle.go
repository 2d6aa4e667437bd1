package store

import (
	"context"
	"strconv"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
)

// delayCase returns the SQL expression of th.Delay, in milliseconds, of the
// failure count expr: a CASE read from the rule's own table of delays, so
// that the database computes the next time in the same statement that
// counts the attempt.
func delayCase(th passerelle.Throttle, expr string) string {
	var b strings.Builder
	b.WriteString("(CASE")
	for n := th.Free; th.Delay(n) < th.Max; n++ {
		b.WriteString(" WHEN " + expr + " = " + strconv.Itoa(n) + " THEN " + strconv.FormatInt(th.Delay(n).Milliseconds(), 10))
	}
	b.WriteString(" WHEN " + expr + " < " + strconv.Itoa(th.Free) + " THEN 0")
	b.WriteString(" ELSE " + strconv.FormatInt(th.Max.Milliseconds(), 10) + " END)")
	return b.String()
}

// TakeAttempt counts one password attempt against key before the password
// is checked, in one statement, so that concurrent attempts — in this
// process or another — are counted one after the other: it reports false,
// with how long to wait, when the key must still wait; then nothing is
// counted. The attempt counts as a failure until ForgetAttempts or
// ReleaseAttempt says otherwise.
func TakeAttempt(ctx context.Context, db bun.IDB, key string, th passerelle.Throttle, now time.Time) (bool, time.Duration, error) {
	ms := now.UnixMilli()
	forget := now.Add(-th.Forget).UnixMilli()
	fresh := "password_attempts.last_at < " + strconv.FormatInt(forget, 10)
	failures := "(CASE WHEN " + fresh + " THEN 1 ELSE password_attempts.failures + 1 END)"
	// No delay is next_at 0, not "now": attempts reach the database in
	// another order than they read the clock, and a free attempt must not
	// make an earlier one wait.
	delay := delayCase(th, failures)
	q := "INSERT INTO password_attempts (key, failures, last_at, next_at) VALUES (?, 1, ?, ?) " +
		"ON CONFLICT (key) DO UPDATE SET failures = " + failures + ", last_at = ?, " +
		"next_at = CASE WHEN " + delay + " = 0 THEN 0 ELSE ? + " + delay + " END" +
		" WHERE password_attempts.next_at <= ? RETURNING failures"
	first := int64(0)
	if d := th.Delay(1); d > 0 {
		first = ms + d.Milliseconds()
	}
	var n int
	err := db.NewRaw(q, key, ms, first, ms, ms, ms).Scan(ctx, &n)
	if err == nil {
		return true, 0, nil
	} else if !IsNotFound(err) {
		return false, 0, err
	}
	var next int64
	if err := db.NewRaw("SELECT next_at FROM password_attempts WHERE key = ?", key).Scan(ctx, &next); err != nil {
		if IsNotFound(err) { // forgotten meanwhile: wait a moment all the same
			return false, time.Second, nil
		}
		return false, 0, err
	}
	return false, max(time.Duration(next-ms)*time.Millisecond, time.Millisecond), nil
}

// ForgetAttempts clears the failures of key (a success on the account).
func ForgetAttempts(ctx context.Context, db bun.IDB, key string) error {
	_, err := db.NewRaw("DELETE FROM password_attempts WHERE key = ?", key).Exec(ctx)
	return err
}

// ReleaseAttempt takes back one attempt counted by TakeAttempt that turned
// out not to be a failure (a success, seen from the client's address; a
// check that did not take place).
func ReleaseAttempt(ctx context.Context, db bun.IDB, key string) error {
	_, err := db.NewRaw("UPDATE password_attempts SET failures = failures - 1 WHERE key = ? AND failures > 0", key).Exec(ctx)
	return err
}

// PruneAttempts deletes the keys whose last attempt is older than before.
func PruneAttempts(ctx context.Context, db bun.IDB, before time.Time) error {
	_, err := db.NewRaw("DELETE FROM password_attempts WHERE last_at < ?", before.UnixMilli()).Exec(ctx)
	return err
}
