package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/json"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
)

type subscriptionRow struct {
	bun.BaseModel `bun:"table:subscriptions,alias:s"`
	ID            int64     `bun:"id,pk,autoincrement"`
	UserID        int64     `bun:"user_id"`
	TerritoryCode *string   `bun:"territory_code"`
	ThemeSlug     *string   `bun:"theme_slug"`
	Kind          *string   `bun:"kind"`
	Frequency     string    `bun:"frequency"`
	DigestEventID int64     `bun:"digest_event_id"`
	DigestNewsID  int64     `bun:"digest_news_id"` // the last meeting news a digest covered (meeting_news.go)
	CreatedAt     time.Time `bun:"created_at"`
}

func nullable(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func deref(s *string) string {
	if s == nil {
		return ""
	}
	return *s
}

func (r *subscriptionRow) domain() passerelle.Subscription {
	return passerelle.Subscription{ID: r.ID, UserID: r.UserID, Territory: deref(r.TerritoryCode), Theme: deref(r.ThemeSlug),
		Kind: passerelle.Kind(deref(r.Kind)), Frequency: passerelle.Frequency(r.Frequency), CreatedAt: r.CreatedAt}
}

// InsertSubscription stores a subscription and sets its ID. Its digests start
// after the latest event already recorded, so that a new subscriber is not
// sent the back catalogue. Errors: conflict when the user already follows
// the same criteria.
func InsertSubscription(ctx context.Context, db bun.IDB, s *passerelle.Subscription) error {
	r := &subscriptionRow{UserID: s.UserID, TerritoryCode: nullable(s.Territory), ThemeSlug: nullable(s.Theme),
		Kind: nullable(string(s.Kind)), Frequency: string(s.Frequency), CreatedAt: Now()}
	_, err := db.NewInsert().Model(r).
		Value("digest_event_id", "(SELECT COALESCE(MAX(id), 0) FROM practice_events)").
		Value("digest_news_id", "(SELECT COALESCE(MAX(id), 0) FROM meeting_news)").
		Returning("id").Exec(ctx)
	if IsUniqueViolation(err) {
		return passerelle.Errorf(passerelle.EConflict, "You already follow this.")
	} else if err != nil {
		return err
	}
	s.ID, s.CreatedAt = r.ID, r.CreatedAt
	return nil
}

// ListSubscriptions returns a user's subscriptions, oldest first.
func ListSubscriptions(ctx context.Context, db bun.IDB, userID int64) ([]passerelle.Subscription, error) {
	var rows []subscriptionRow
	if err := db.NewSelect().Model(&rows).Where("user_id = ?", userID).Order("id").Scan(ctx); err != nil {
		return nil, err
	}
	out := make([]passerelle.Subscription, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// DeleteSubscription removes one of a user's subscriptions. Errors:
// not_found when the user holds no subscription with that id.
func DeleteSubscription(ctx context.Context, db bun.IDB, userID, id int64) error {
	res, err := db.NewDelete().Model((*subscriptionRow)(nil)).Where("id = ? AND user_id = ?", id, userID).Exec(ctx)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return passerelle.Errorf(passerelle.ENotFound, "Subscription not found.")
	}
	return nil
}

// Recipient is a user to notify, with the language of their messages.
type Recipient struct {
	UserID int64  `bun:"id"`
	Lang   string `bun:"lang"`
}

// InstantSubscribers returns the enabled accounts, other than exceptUserID,
// holding an instant subscription that matches a practice: of one of the
// territories of chain (its territory and ancestors), of one of its themes,
// of its kind — each criterion that is set — and not yet told of this
// practice (a practice.new notification). Ordered by user id.
func InstantSubscribers(ctx context.Context, db bun.IDB, p *passerelle.Practice, chain []string, exceptUserID int64) ([]Recipient, error) {
	q := db.NewSelect().TableExpr("users AS u").ColumnExpr("u.id, u.lang").
		Where("u.disabled_at IS NULL AND u.id <> ?", exceptUserID).
		Where(`EXISTS (SELECT 1 FROM subscriptions AS s WHERE s.user_id = u.id AND s.frequency = ?
			AND (s.kind IS NULL OR s.kind = ?)
			AND (s.territory_code IS NULL OR s.territory_code IN (?))
			AND (s.theme_slug IS NULL OR s.theme_slug IN (?)))`,
			string(passerelle.FrequencyInstant), string(p.Kind), bun.List(nonEmpty(chain)), bun.List(nonEmpty(p.Themes))).
		// Told once per practice: a restored practice is not news to who
		// heard of its first publication.
		Where(`NOT EXISTS (SELECT 1 FROM notifications AS n WHERE n.user_id = u.id AND n.practice_id = ? AND n.type = ?)`,
			p.ID, passerelle.NotifyNew).
		OrderExpr("u.id")
	var out []Recipient
	err := q.Scan(ctx, &out)
	return out, err
}

// nonEmpty keeps IN () valid on both databases: "" never matches a code.
func nonEmpty(s []string) []string {
	if len(s) == 0 {
		return []string{""}
	}
	return s
}

// InsertNotifications stores many in-app notifications of one event, skipping
// the recipients who already hold one (a retried job), and returns the id of
// every recipient's notification, new or not, by user id.
func InsertNotifications(ctx context.Context, db bun.IDB, ns []passerelle.Notification) (map[int64]int64, error) {
	if len(ns) == 0 {
		return nil, nil
	}
	rows := make([]notificationRow, len(ns))
	users := make([]int64, len(ns))
	now := Now()
	for i, n := range ns {
		rows[i] = notificationRow{UserID: n.UserID, Type: n.Type, PracticeID: n.PracticeID, EventID: n.EventID, Message: n.Message, CreatedAt: now}
		users[i] = n.UserID
	}
	if _, err := db.NewInsert().Model(&rows).On("CONFLICT (event_id, user_id) DO NOTHING").Exec(ctx); err != nil {
		return nil, err
	}
	var ids []struct {
		ID     int64 `bun:"id"`
		UserID int64 `bun:"user_id"`
	}
	err := db.NewSelect().TableExpr("notifications").ColumnExpr("id, user_id").
		Where("event_id = ? AND user_id IN (?)", ns[0].EventID, bun.List(users)).Scan(ctx, &ids)
	out := make(map[int64]int64, len(ids))
	for _, r := range ids {
		out[r.UserID] = r.ID
	}
	return out, err
}

// DigestSubscription is a daily or weekly subscription with its watermark.
type DigestSubscription struct {
	passerelle.Subscription
	Lang          string
	DigestEventID int64
}

// DigestSubscriptions returns the subscriptions of frequency held by enabled
// accounts, by user.
func DigestSubscriptions(ctx context.Context, db bun.IDB, f passerelle.Frequency) ([]DigestSubscription, error) {
	var rows []struct {
		subscriptionRow
		Lang string `bun:"lang"`
	}
	err := db.NewSelect().TableExpr("subscriptions AS s").Join("JOIN users AS u ON u.id = s.user_id").
		ColumnExpr("s.*, u.lang").Where("s.frequency = ? AND u.disabled_at IS NULL", string(f)).
		OrderExpr("s.user_id, s.id").Scan(ctx, &rows)
	out := make([]DigestSubscription, len(rows))
	for i := range rows {
		out[i] = DigestSubscription{Subscription: rows[i].subscriptionRow.domain(), Lang: rows[i].Lang, DigestEventID: rows[i].DigestEventID}
	}
	return out, err
}

// Publication is a practice's publication (an approve event) and what a
// subscription matches it on.
type Publication struct {
	EventID  int64
	Practice *passerelle.Practice
}

// MaxEventID returns the id of the latest history entry (0 when none).
func MaxEventID(ctx context.Context, db bun.IDB) (int64, error) {
	var id int64
	err := db.NewSelect().TableExpr("practice_events").ColumnExpr("COALESCE(MAX(id), 0)").Scan(ctx, &id)
	return id, err
}

// PublicationsBetween returns the publications recorded after event id after
// up to event id upto whose practice is still published, oldest first.
func PublicationsBetween(ctx context.Context, db bun.IDB, after, upto int64) ([]Publication, error) {
	var evs []struct {
		ID         int64 `bun:"id"`
		PracticeID int64 `bun:"practice_id"`
	}
	err := db.NewSelect().TableExpr("practice_events AS e").Join("JOIN practices AS p ON p.id = e.practice_id").
		ColumnExpr("e.id, e.practice_id").
		Where("e.id > ? AND e.id <= ? AND e.action = ? AND p.status = ?", after, upto,
			string(passerelle.ActionApprove), string(passerelle.StatusPublished)).
		OrderExpr("e.id").Scan(ctx, &evs)
	if err != nil || len(evs) == 0 {
		return nil, err
	}
	ids := make([]int64, len(evs))
	for i, e := range evs {
		ids[i] = e.PracticeID
	}
	ps, err := practicesByID(ctx, db, ids)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*passerelle.Practice, len(ps))
	for _, p := range ps {
		byID[p.ID] = p
	}
	out := make([]Publication, 0, len(evs))
	for _, e := range evs {
		if p := byID[e.PracticeID]; p != nil {
			out = append(out, Publication{EventID: e.ID, Practice: p})
		}
	}
	return out, nil
}

// AdvanceDigest moves the watermark of the given subscriptions to upto,
// provided none has moved past from since they were read. It reports false
// when another run got there first (the caller then sends nothing).
func AdvanceDigest(ctx context.Context, db bun.IDB, subIDs []int64, upto int64) (bool, error) {
	res, err := db.NewUpdate().Model((*subscriptionRow)(nil)).Set("digest_event_id = ?", upto).
		Where("id IN (?) AND digest_event_id < ?", bun.List(subIDs), upto).Exec(ctx)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return int(n) == len(subIDs), nil
}

type digestRow struct {
	bun.BaseModel `bun:"table:digests,alias:d"`
	ID            int64     `bun:"id,pk,autoincrement"`
	UserID        int64     `bun:"user_id"`
	Frequency     string    `bun:"frequency"`
	PracticeIDs   string    `bun:"practice_ids"`
	CreatedAt     time.Time `bun:"created_at"`
}

// Digest is one digest e-mail: the practices it lists are fixed when it is
// queued.
type Digest struct {
	ID          int64
	UserID      int64
	Frequency   passerelle.Frequency
	PracticeIDs []int64
	CreatedAt   time.Time
}

// InsertDigest stores a digest and returns its id.
func InsertDigest(ctx context.Context, db bun.IDB, userID int64, f passerelle.Frequency, practiceIDs []int64) (int64, error) {
	b, _ := json.Marshal(practiceIDs)
	r := &digestRow{UserID: userID, Frequency: string(f), PracticeIDs: string(b), CreatedAt: Now()}
	_, err := db.NewInsert().Model(r).Returning("id").Exec(ctx)
	return r.ID, err
}

// GetDigest returns one digest, or a not_found error.
func GetDigest(ctx context.Context, db bun.IDB, id int64) (*Digest, error) {
	var r digestRow
	if err := db.NewSelect().Model(&r).Where("id = ?", id).Scan(ctx); err != nil {
		if IsNotFound(err) {
			return nil, passerelle.Errorf(passerelle.ENotFound, "Digest not found.")
		}
		return nil, err
	}
	d := &Digest{ID: r.ID, UserID: r.UserID, Frequency: passerelle.Frequency(r.Frequency), CreatedAt: r.CreatedAt}
	return d, json.Unmarshal([]byte(r.PracticeIDs), &d.PracticeIDs)
}

// PracticesByID returns those of the given practices that are published,
// in the order of ids.
func PracticesByID(ctx context.Context, db bun.IDB, ids []int64) ([]*passerelle.Practice, error) {
	return practicesByID(ctx, db, ids)
}

type emailPrefsRow struct {
	bun.BaseModel `bun:"table:email_preferences"`
	UserID        int64     `bun:"user_id,pk"`
	Reviews       bool      `bun:"reviews"`
	Decisions     bool      `bun:"decisions"`
	NewPractices  bool      `bun:"new_practices"`
	Digests       bool      `bun:"digests"`
	Meetings      bool      `bun:"meetings"`
	UpdatedAt     time.Time `bun:"updated_at"`
}

// EmailPreferences returns which e-mails a user wants (all when never set).
func EmailPreferences(ctx context.Context, db bun.IDB, userID int64) (passerelle.EmailPreferences, error) {
	var r emailPrefsRow
	err := db.NewSelect().Model(&r).Where("user_id = ?", userID).Scan(ctx)
	if IsNotFound(err) {
		return passerelle.EmailPreferences{}, nil
	} else if err != nil {
		return passerelle.EmailPreferences{}, err
	}
	return r.domain(), nil
}

func (r *emailPrefsRow) domain() passerelle.EmailPreferences {
	return passerelle.EmailPreferences{Off: map[passerelle.EmailCategory]bool{
		passerelle.EmailReviews: !r.Reviews, passerelle.EmailDecisions: !r.Decisions,
		passerelle.EmailNewPractices: !r.NewPractices, passerelle.EmailDigests: !r.Digests,
		passerelle.EmailMeetings: !r.Meetings}}
}

// SetEmailPreferences replaces which e-mails a user wants.
func SetEmailPreferences(ctx context.Context, db bun.IDB, userID int64, p passerelle.EmailPreferences) error {
	r := &emailPrefsRow{UserID: userID, Reviews: p.Wants(passerelle.EmailReviews), Decisions: p.Wants(passerelle.EmailDecisions),
		NewPractices: p.Wants(passerelle.EmailNewPractices), Digests: p.Wants(passerelle.EmailDigests),
		Meetings: p.Wants(passerelle.EmailMeetings), UpdatedAt: Now()}
	_, err := db.NewInsert().Model(r).
		On("CONFLICT (user_id) DO UPDATE").
		Set("reviews = EXCLUDED.reviews, decisions = EXCLUDED.decisions, new_practices = EXCLUDED.new_practices, digests = EXCLUDED.digests, meetings = EXCLUDED.meetings, updated_at = EXCLUDED.updated_at").
		Exec(ctx)
	return err
}

// TurnOffEmail stops one category of e-mails for a user.
func TurnOffEmail(ctx context.Context, db bun.IDB, userID int64, c passerelle.EmailCategory) error {
	p, err := EmailPreferences(ctx, db, userID)
	if err != nil {
		return err
	}
	if p.Off == nil {
		p.Off = map[passerelle.EmailCategory]bool{}
	}
	p.Off[c] = true
	return SetEmailPreferences(ctx, db, userID, p)
}

// SetUserLang sets the language of a user's e-mails.
func SetUserLang(ctx context.Context, db bun.IDB, userID int64, lang string) error {
	_, err := db.NewUpdate().Model((*userRow)(nil)).Set("lang = ?", lang).Where("id = ?", userID).Exec(ctx)
	return err
}

// ServerSecret returns the secret called name, creating it (32 random bytes)
// the first time; concurrent first calls agree on one value.
func ServerSecret(ctx context.Context, db bun.IDB, name string) ([]byte, error) {
	var value []byte
	err := db.NewSelect().TableExpr("server_secrets").ColumnExpr("value").Where("name = ?", name).Scan(ctx, &value)
	if err == nil {
		return value, nil
	} else if err != sql.ErrNoRows {
		return nil, err
	}
	fresh := make([]byte, 32)
	_, _ = rand.Read(fresh)
	if _, err := db.NewRaw("INSERT INTO server_secrets (name, value, created_at) VALUES (?, ?, ?) ON CONFLICT (name) DO NOTHING",
		name, fresh, Now()).Exec(ctx); err != nil {
		return nil, err
	}
	err = db.NewSelect().TableExpr("server_secrets").ColumnExpr("value").Where("name = ?", name).Scan(ctx, &value)
	return value, err
}

// SettleBefore waits until every transaction that was running when it was
// called has ended, so that no history entry with an id at or below one read
// just before can still appear. On PostgreSQL an id is taken at insert time
// but becomes visible only at commit, so a transaction in flight may still
// add an entry below the latest visible id; a digest that moved its
// watermark past it would miss that publication for good. On SQLite the
// single writer connection already serialises this: nothing to wait for.
func SettleBefore(ctx context.Context, db *DB) error {
	if !db.isPostgres() {
		return nil
	}
	// A fresh transaction id, committed at once: every writer that could
	// hold an entry below the id read before has a smaller transaction id,
	// and snapshots taken from now on list those still running.
	var mark string
	if err := db.Bun.NewRaw(`SELECT pg_current_xact_id()::text`).Scan(ctx, &mark); err != nil {
		return err
	}
	for {
		var running []string
		err := db.Bun.NewRaw(`SELECT x::text FROM pg_snapshot_xip(pg_current_snapshot()) AS x WHERE x < ?::xid8`, mark).Scan(ctx, &running)
		if err != nil || len(running) == 0 {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(50 * time.Millisecond):
		}
	}
}
