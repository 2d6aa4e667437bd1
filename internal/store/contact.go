package store

import (
	"context"
	"strconv"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
)

type contactRow struct {
	bun.BaseModel `bun:"table:contact_messages,alias:c"`
	ID            int64     `bun:"id,pk,autoincrement"`
	PracticeID    int64     `bun:"practice_id"`
	SenderID      int64     `bun:"sender_id"`
	RecipientID   int64     `bun:"recipient_id"`
	Body          string    `bun:"body"`
	ShareAddress  bool      `bun:"share_address"`
	CreatedAt     time.Time `bun:"created_at"`
}

// InsertContactMessage stores a message and sets its ID.
func InsertContactMessage(ctx context.Context, db bun.IDB, m *passerelle.ContactMessage) error {
	r := &contactRow{PracticeID: m.PracticeID, SenderID: m.SenderID, RecipientID: m.RecipientID, Body: m.Body, ShareAddress: m.ShareAddress, CreatedAt: m.CreatedAt}
	if _, err := db.NewInsert().Model(r).Returning("id").Exec(ctx); err != nil {
		return err
	}
	m.ID = r.ID
	return nil
}

// GetContactMessage returns a message with its sender's name. Errors:
// not_found.
func GetContactMessage(ctx context.Context, db bun.IDB, id int64) (*passerelle.ContactMessage, error) {
	var r contactRow
	if err := db.NewSelect().Model(&r).Where("c.id = ?", id).Scan(ctx); err != nil {
		if IsNotFound(err) {
			return nil, passerelle.Errorf(passerelle.ENotFound, "Message not found.")
		}
		return nil, err
	}
	var name string
	if err := db.NewSelect().Table("users").Column("name").Where("id = ?", r.SenderID).Scan(ctx, &name); err != nil && !IsNotFound(err) {
		return nil, err
	}
	return &passerelle.ContactMessage{ID: r.ID, PracticeID: r.PracticeID, SenderID: r.SenderID, SenderName: name,
		RecipientID: r.RecipientID, Body: r.Body, ShareAddress: r.ShareAddress, CreatedAt: r.CreatedAt}, nil
}

// InsertContactNotification stores the notification of a contact message,
// keyed by the message ("contact:<id>"), so that a retried job never
// doubles it, and sets its ID. Such a notification has a practice but no
// event of its history: the message is private to its author.
func InsertContactNotification(ctx context.Context, db bun.IDB, messageID int64, n *passerelle.Notification) error {
	ref := "contact:" + strconv.FormatInt(messageID, 10)
	r := &notificationRow{UserID: n.UserID, Type: n.Type, PracticeID: n.PracticeID, Ref: &ref, Message: n.Message, CreatedAt: Now()}
	if _, err := db.NewInsert().Model(r).ExcludeColumn("id").On("CONFLICT (ref, user_id) DO NOTHING").Exec(ctx); err != nil {
		return err
	}
	return db.NewSelect().TableExpr("notifications").Column("id").Where("ref = ? AND user_id = ?", ref, n.UserID).Scan(ctx, &n.ID)
}
