package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
)

// EmailSend is the record that one e-mail was accepted by the mail server.
type EmailSend struct {
	bun.BaseModel `bun:"table:email_sends"`
	Key           string    `bun:"key,pk"`
	MessageID     string    `bun:"message_id"`
	Recipient     string    `bun:"recipient"`
	SentAt        time.Time `bun:"sent_at"`
}

// RecordEmailSent records that the e-mail of key went out. Recording it
// twice is harmless. The commit does not wait for the disk (see
// fastCommit): the record must exist as soon as possible after the mail
// server accepted the message, for a crash in between sends it again.
func RecordEmailSent(ctx context.Context, db *DB, s EmailSend) error {
	if s.SentAt.IsZero() {
		s.SentAt = Now()
	}
	return db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := fastCommit(ctx, tx); err != nil {
			return err
		}
		_, err := tx.NewInsert().Model(&s).On("CONFLICT (key) DO NOTHING").Exec(ctx)
		return err
	})
}

// fastCommit lets the transaction's commit return before its record reaches
// the disk. The record is then safe from a crash of Passerelle at once, and
// from a crash of the database server after a fraction of a second
// (PostgreSQL's wal_writer_delay). SQLite in WAL mode with synchronous=NORMAL
// already commits without waiting for the disk.
func fastCommit(ctx context.Context, tx bun.Tx) error {
	if !isPostgres(tx) {
		return nil
	}
	_, err := tx.ExecContext(ctx, "SET LOCAL synchronous_commit TO OFF")
	return err
}

// SentEmails returns which of keys were recorded as sent.
func SentEmails(ctx context.Context, db bun.IDB, keys []string) (map[string]bool, error) {
	out := map[string]bool{}
	if len(keys) == 0 {
		return out, nil
	}
	var found []string
	if err := db.NewSelect().TableExpr("email_sends").ColumnExpr("key").Where("key IN (?)", bun.List(keys)).Scan(ctx, &found); err != nil {
		return nil, err
	}
	for _, k := range found {
		out[k] = true
	}
	return out, nil
}

// PruneEmailSends forgets the sends recorded before a time, and returns
// how many.
func PruneEmailSends(ctx context.Context, db bun.IDB, before time.Time) (int64, error) {
	res, err := db.NewDelete().TableExpr("email_sends").Where("sent_at < ?", before).Exec(ctx)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// NotificationsByID returns the notifications of ids that still exist, in
// the order of ids.
func NotificationsByID(ctx context.Context, db bun.IDB, ids []int64) ([]passerelle.Notification, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var rows []notificationRow
	if err := db.NewSelect().Model(&rows).Where("id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
		return nil, err
	}
	byID := make(map[int64]passerelle.Notification, len(rows))
	for _, r := range rows {
		byID[r.ID] = r.domain()
	}
	out := make([]passerelle.Notification, 0, len(rows))
	for _, id := range ids {
		if n, ok := byID[id]; ok {
			out = append(out, n)
		}
	}
	return out, nil
}

// UsersByID returns the accounts of ids that exist, by id.
func UsersByID(ctx context.Context, db bun.IDB, ids []int64) (map[int64]*passerelle.User, error) {
	out := map[int64]*passerelle.User{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []userRow
	if err := db.NewSelect().Model(&rows).Where("id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
		return nil, err
	}
	for i := range rows {
		out[rows[i].ID] = rows[i].domain()
	}
	return out, nil
}

// EmailPreferencesOf returns the e-mail preferences of users, by id; a user
// without any has the zero value (every e-mail).
func EmailPreferencesOf(ctx context.Context, db bun.IDB, userIDs []int64) (map[int64]passerelle.EmailPreferences, error) {
	out := map[int64]passerelle.EmailPreferences{}
	if len(userIDs) == 0 {
		return out, nil
	}
	var rows []emailPrefsRow
	if err := db.NewSelect().Model(&rows).Where("user_id IN (?)", bun.List(userIDs)).Scan(ctx); err != nil {
		return nil, err
	}
	for _, r := range rows {
		out[r.UserID] = r.domain()
	}
	return out, nil
}
