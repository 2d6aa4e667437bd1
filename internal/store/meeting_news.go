package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
)

type meetingAttachmentRow struct {
	bun.BaseModel `bun:"table:meeting_attachments,alias:f"`
	ID            int64     `bun:"id,pk,autoincrement"`
	MeetingID     int64     `bun:"meeting_id"`
	Key           string    `bun:"key"`
	Name          string    `bun:"name"`
	ContentType   string    `bun:"content_type"`
	Size          int64     `bun:"size"`
	UploadedBy    int64     `bun:"uploaded_by"`
	CreatedAt     time.Time `bun:"created_at"`
}

func (r *meetingAttachmentRow) domain() passerelle.Attachment {
	return passerelle.Attachment{ID: r.ID, MeetingID: r.MeetingID, Key: r.Key, Name: r.Name, ContentType: r.ContentType,
		Size: r.Size, UploadedBy: r.UploadedBy, CreatedAt: r.CreatedAt.UTC()}
}

// InsertMeetingAttachment records a file of a meeting and sets its ID.
func InsertMeetingAttachment(ctx context.Context, db bun.IDB, a *passerelle.Attachment) error {
	r := &meetingAttachmentRow{MeetingID: a.MeetingID, Key: a.Key, Name: a.Name, ContentType: a.ContentType, Size: a.Size,
		UploadedBy: a.UploadedBy, CreatedAt: a.CreatedAt}
	if _, err := db.NewInsert().Model(r).ExcludeColumn("id").Returning("id").Exec(ctx); err != nil {
		return err
	}
	a.ID = r.ID
	return nil
}

// ListMeetingAttachments returns the files of a meeting in the order they
// were added (never nil).
func ListMeetingAttachments(ctx context.Context, db bun.IDB, meetingID int64) ([]passerelle.Attachment, error) {
	var rows []meetingAttachmentRow
	if err := db.NewSelect().Model(&rows).Where("f.meeting_id = ?", meetingID).Order("f.id").Scan(ctx); err != nil {
		return nil, err
	}
	out := make([]passerelle.Attachment, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// GetMeetingAttachment returns one file of a meeting, or a not_found error.
func GetMeetingAttachment(ctx context.Context, db bun.IDB, meetingID, id int64) (*passerelle.Attachment, error) {
	var r meetingAttachmentRow
	if err := db.NewSelect().Model(&r).Where("f.id = ? AND f.meeting_id = ?", id, meetingID).Scan(ctx); err != nil {
		if IsNotFound(err) {
			return nil, passerelle.Errorf(passerelle.ENotFound, "Attachment not found.")
		}
		return nil, err
	}
	a := r.domain()
	return &a, nil
}

// DeleteMeetingAttachment removes the record of a file of a meeting. It
// reports false when there was none.
func DeleteMeetingAttachment(ctx context.Context, db bun.IDB, meetingID, id int64) (bool, error) {
	res, err := db.NewDelete().Model((*meetingAttachmentRow)(nil)).Where("id = ? AND meeting_id = ?", id, meetingID).Exec(ctx)
	return affected(res, err)
}

// CountMeetingAttachments returns the number of files of a meeting.
func CountMeetingAttachments(ctx context.Context, db bun.IDB, meetingID int64) (int, error) {
	n, err := db.NewSelect().Model((*meetingAttachmentRow)(nil)).Where("meeting_id = ?", meetingID).Count(ctx)
	return int(n), err
}

// MeetingNews is a piece of news followers hear of: a meeting announced, or
// its record published.
type MeetingNews struct {
	ID        int64                      `bun:"id,pk,autoincrement"`
	MeetingID int64                      `bun:"meeting_id"`
	Kind      passerelle.MeetingNewsKind `bun:"kind"`
	ActorID   int64                      `bun:"actor_id"`
	CreatedAt time.Time                  `bun:"created_at"`

	bun.BaseModel `bun:"table:meeting_news,alias:n"`
}

// InsertMeetingNews records a piece of news and sets its ID.
func InsertMeetingNews(ctx context.Context, db bun.IDB, n *MeetingNews) error {
	_, err := db.NewInsert().Model(n).ExcludeColumn("id").Returning("id").Exec(ctx)
	return err
}

// GetMeetingNews returns one piece of news, or a not_found error.
func GetMeetingNews(ctx context.Context, db bun.IDB, id int64) (*MeetingNews, error) {
	var n MeetingNews
	if err := db.NewSelect().Model(&n).Where("n.id = ?", id).Scan(ctx); err != nil {
		if IsNotFound(err) {
			return nil, passerelle.Errorf(passerelle.ENotFound, "News not found.")
		}
		return nil, err
	}
	return &n, nil
}

// MaxMeetingNewsID returns the id of the latest news (0 when none).
func MaxMeetingNewsID(ctx context.Context, db bun.IDB) (int64, error) {
	var id int64
	err := db.NewSelect().TableExpr("meeting_news").ColumnExpr("COALESCE(MAX(id), 0)").Scan(ctx, &id)
	return id, err
}

// MeetingNewsBetween returns the news after id after up to id upto, oldest
// first, with their meetings.
func MeetingNewsBetween(ctx context.Context, db bun.IDB, after, upto int64) ([]MeetingNews, map[int64]*passerelle.Meeting, error) {
	var news []MeetingNews
	if err := db.NewSelect().Model(&news).Where("n.id > ? AND n.id <= ?", after, upto).Order("n.id").Scan(ctx); err != nil || len(news) == 0 {
		return nil, nil, err
	}
	ids := make([]int64, len(news))
	for i, n := range news {
		ids[i] = n.MeetingID
	}
	ms, err := MeetingsByID(ctx, db, ids)
	if err != nil {
		return nil, nil, err
	}
	byID := make(map[int64]*passerelle.Meeting, len(ms))
	for _, m := range ms {
		byID[m.ID] = m
	}
	return news, byID, nil
}

// AdvanceMeetingDigest moves the meetings' watermark of the given
// subscriptions to upto, provided none has moved past it since they were
// read. It reports false when another run got there first.
func AdvanceMeetingDigest(ctx context.Context, db bun.IDB, subIDs []int64, upto int64) (bool, error) {
	res, err := db.NewUpdate().Model((*subscriptionRow)(nil)).Set("digest_news_id = ?", upto).
		Where("id IN (?) AND digest_news_id < ?", bun.List(subIDs), upto).Exec(ctx)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return int(n) == len(subIDs), nil
}

// DigestNewsWatermarks returns the meetings' watermark of subscriptions, by
// subscription id.
func DigestNewsWatermarks(ctx context.Context, db bun.IDB, subIDs []int64) (map[int64]int64, error) {
	out := map[int64]int64{}
	if len(subIDs) == 0 {
		return out, nil
	}
	var rows []struct {
		ID   int64 `bun:"id"`
		News int64 `bun:"digest_news_id"`
	}
	err := db.NewSelect().TableExpr("subscriptions").ColumnExpr("id, digest_news_id").Where("id IN (?)", bun.List(subIDs)).Scan(ctx, &rows)
	for _, r := range rows {
		out[r.ID] = r.News
	}
	return out, err
}

// SetDigestMeetings records the news a digest lists.
func SetDigestMeetings(ctx context.Context, db bun.IDB, digestID int64, newsIDs []int64) error {
	b, _ := json.Marshal(newsIDs)
	_, err := db.NewUpdate().Model((*digestRow)(nil)).Set("meeting_news_ids = ?", string(b)).Where("id = ?", digestID).Exec(ctx)
	return err
}

// DigestMeetingNews returns the news a digest lists, oldest first.
func DigestMeetingNews(ctx context.Context, db bun.IDB, digestID int64) ([]MeetingNews, error) {
	var raw string
	if err := db.NewSelect().TableExpr("digests").Column("meeting_news_ids").Where("id = ?", digestID).Scan(ctx, &raw); err != nil {
		return nil, err
	}
	var ids []int64
	if raw == "" || json.Unmarshal([]byte(raw), &ids) != nil || len(ids) == 0 {
		return nil, nil
	}
	var news []MeetingNews
	err := db.NewSelect().Model(&news).Where("n.id IN (?)", bun.List(ids)).Order("n.id").Scan(ctx)
	return news, err
}

// InstantMeetingSubscribers returns the enabled accounts, other than
// exceptUserID, holding an instant subscription that matches a meeting (see
// passerelle.Subscription.MatchesMeeting): to one of the territories of
// chain or one of its themes, with no kind. Ordered by user id.
func InstantMeetingSubscribers(ctx context.Context, db bun.IDB, m *passerelle.Meeting, chain []string, exceptUserID int64) ([]Recipient, error) {
	var out []Recipient
	err := db.NewSelect().TableExpr("users AS u").ColumnExpr("u.id, u.lang").
		Where("u.disabled_at IS NULL AND u.id <> ?", exceptUserID).
		Where(`EXISTS (SELECT 1 FROM subscriptions AS s WHERE s.user_id = u.id AND s.frequency = ? AND s.kind IS NULL
			AND (s.territory_code IS NULL OR s.territory_code IN (?))
			AND (s.theme_slug IS NULL OR s.theme_slug IN (?)))`,
			string(passerelle.FrequencyInstant), bun.List(nonEmpty(chain)), bun.List(nonEmpty(m.Themes))).
		OrderExpr("u.id").Scan(ctx, &out)
	return out, err
}

// InsertMeetingNotifications stores notifications about a meeting, each
// keyed by ref: a recipient who already holds one with the same ref (a
// retried job) is skipped. It returns the id of every recipient's
// notification of that ref, new or not, by user id.
func InsertMeetingNotifications(ctx context.Context, db bun.IDB, ref string, ns []passerelle.Notification) (map[int64]int64, error) {
	if len(ns) == 0 {
		return nil, nil
	}
	rows := make([]notificationRow, len(ns))
	users := make([]int64, len(ns))
	now := Now()
	for i, n := range ns {
		rows[i] = notificationRow{UserID: n.UserID, Type: n.Type, MeetingID: n.MeetingID, Ref: &ref, Message: n.Message, CreatedAt: now}
		users[i] = n.UserID
	}
	if _, err := db.NewInsert().Model(&rows).ExcludeColumn("id").On("CONFLICT (ref, user_id) DO NOTHING").Exec(ctx); err != nil {
		return nil, err
	}
	var ids []struct {
		ID     int64 `bun:"id"`
		UserID int64 `bun:"user_id"`
	}
	err := db.NewSelect().TableExpr("notifications").ColumnExpr("id, user_id").
		Where("ref = ? AND user_id IN (?)", ref, bun.List(users)).Scan(ctx, &ids)
	out := make(map[int64]int64, len(ids))
	for _, r := range ids {
		out[r.UserID] = r.ID
	}
	return out, err
}

// CountNotifications returns how many notifications of type a user holds
// about a meeting (for tests and checks of exactly-once delivery).
func CountNotifications(ctx context.Context, db bun.IDB, userID int64, typ string, meetingID int64) (int, error) {
	n, err := db.NewSelect().Model((*notificationRow)(nil)).
		Where("user_id = ? AND type = ? AND meeting_id = ?", userID, typ, meetingID).Count(ctx)
	return int(n), err
}
