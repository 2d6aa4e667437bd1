package store

import (
	"context"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
)

// InsertNotification stores an in-app notification unless the recipient
// already has one for the same event: a retried job never doubles it. It
// reports whether a row was written and sets n.ID either way.
func InsertNotification(ctx context.Context, db bun.IDB, n *passerelle.Notification) (bool, error) {
	r := &notificationRow{UserID: n.UserID, Type: n.Type, PracticeID: n.PracticeID, EventID: n.EventID, Message: n.Message, CreatedAt: Now()}
	res, err := db.NewInsert().Model(r).On("CONFLICT (event_id, user_id) DO NOTHING").Exec(ctx)
	if err != nil {
		return false, err
	}
	inserted, _ := res.RowsAffected()
	var existing notificationRow
	if err := db.NewSelect().Model(&existing).Where("event_id = ? AND user_id = ?", n.EventID, n.UserID).Scan(ctx); err != nil {
		return false, err
	}
	*n = existing.domain()
	return inserted > 0, nil
}

// GetNotification returns one notification, or a not_found error.
func GetNotification(ctx context.Context, db bun.IDB, id int64) (*passerelle.Notification, error) {
	var r notificationRow
	if err := db.NewSelect().Model(&r).Where("id = ?", id).Scan(ctx); err != nil {
		if IsNotFound(err) {
			return nil, passerelle.Errorf(passerelle.ENotFound, "Notification not found.")
		}
		return nil, err
	}
	n := r.domain()
	return &n, nil
}

// ListNotifications returns a user's notifications, newest first, and the
// number of unread ones.
func ListNotifications(ctx context.Context, db bun.IDB, userID int64, limit int) ([]passerelle.Notification, int, error) {
	var rows []notificationRow
	if err := db.NewSelect().Model(&rows).Where("user_id = ?", userID).OrderExpr("id DESC").Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, 0, err
	}
	out := make([]passerelle.Notification, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	unread, err := UnreadCount(ctx, db, userID)
	return out, unread, err
}

// UnreadCount returns the number of unread notifications of a user.
func UnreadCount(ctx context.Context, db bun.IDB, userID int64) (int, error) {
	n, err := db.NewSelect().Model((*notificationRow)(nil)).Where("user_id = ? AND read_at IS NULL", userID).Count(ctx)
	return int(n), err
}

// MarkNotificationsRead marks as read the given notifications of a user (all
// of them when ids is empty).
func MarkNotificationsRead(ctx context.Context, db bun.IDB, userID int64, ids []int64) error {
	q := db.NewUpdate().Model((*notificationRow)(nil)).Set("read_at = ?", Now()).Where("user_id = ? AND read_at IS NULL", userID)
	if len(ids) > 0 {
		q = q.Where("id IN (?)", bun.List(ids))
	}
	_, err := q.Exec(ctx)
	return err
}
