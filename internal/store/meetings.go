package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/search"
)

// Network meetings: the meetings and their themes (this file), their
// registrations and agenda (meeting_registrations.go), files, news and
// notifications (meeting_news.go). The rules are the domain's
// (passerelle/meeting.go) and the service's; these are the queries.

type meetingRow struct {
	bun.BaseModel        `bun:"table:meetings,alias:m"`
	ID                   int64      `bun:"id,pk,autoincrement"`
	Title                string     `bun:"title"`
	TerritoryCode        string     `bun:"territory_code"`
	Description          string     `bun:"description"`
	StartsAt             time.Time  `bun:"starts_at"`
	EndsAt               time.Time  `bun:"ends_at"`
	Place                string     `bun:"place"`
	OnlineURL            string     `bun:"online_url"`
	Capacity             int        `bun:"capacity"`
	RegistrationDeadline *time.Time `bun:"registration_deadline"`
	Status               string     `bun:"status"`
	CancelReason         string     `bun:"cancel_reason"`
	OrganizerID          int64      `bun:"organizer_id"`
	Version              int        `bun:"version"`
	Sequence             int        `bun:"sequence"`
	Record               string     `bun:"record"`
	RecordPublishedAt    *time.Time `bun:"record_published_at"`
	CreatedAt            time.Time  `bun:"created_at"`
	UpdatedAt            time.Time  `bun:"updated_at"`

	OrganizerName string `bun:"organizer_name,scanonly"`
	Registered    int    `bun:"registered,scanonly"`
	Waiting       int    `bun:"waiting,scanonly"`
}

func (r *meetingRow) domain() *passerelle.Meeting {
	m := &passerelle.Meeting{ID: r.ID, Title: r.Title, TerritoryCode: r.TerritoryCode, Description: r.Description,
		StartsAt: r.StartsAt.UTC(), EndsAt: r.EndsAt.UTC(), Place: r.Place, OnlineURL: r.OnlineURL, Capacity: r.Capacity,
		Status: passerelle.MeetingStatus(r.Status), CancelReason: r.CancelReason, OrganizerID: r.OrganizerID,
		OrganizerName: r.OrganizerName, Version: r.Version, Sequence: r.Sequence, Record: r.Record,
		RecordPublishedAt: utcPtr(r.RecordPublishedAt), RegistrationDeadline: utcPtr(r.RegistrationDeadline),
		CreatedAt: r.CreatedAt.UTC(), UpdatedAt: r.UpdatedAt.UTC(), Registered: r.Registered, Waiting: r.Waiting,
		Themes: []string{}}
	return m
}

func utcPtr(t *time.Time) *time.Time {
	if t == nil {
		return nil
	}
	u := t.UTC()
	return &u
}

func meetingToRow(m *passerelle.Meeting) *meetingRow {
	return &meetingRow{ID: m.ID, Title: m.Title, TerritoryCode: m.TerritoryCode, Description: m.Description,
		StartsAt: m.StartsAt.UTC(), EndsAt: m.EndsAt.UTC(), Place: m.Place, OnlineURL: m.OnlineURL, Capacity: m.Capacity,
		RegistrationDeadline: utcPtr(m.RegistrationDeadline), Status: string(m.Status), CancelReason: m.CancelReason,
		OrganizerID: m.OrganizerID, Version: m.Version, Sequence: m.Sequence, Record: m.Record,
		RecordPublishedAt: utcPtr(m.RecordPublishedAt), CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
}

type meetingThemeRow struct {
	bun.BaseModel `bun:"table:meeting_themes"`
	MeetingID     int64  `bun:"meeting_id,pk"`
	ThemeSlug     string `bun:"theme_slug,pk"`
}

// InsertMeeting stores a new meeting with its themes and sets its ID.
func InsertMeeting(ctx context.Context, db bun.IDB, m *passerelle.Meeting) error {
	r := meetingToRow(m)
	if _, err := db.NewInsert().Model(r).ExcludeColumn("id").Returning("id").Exec(ctx); err != nil {
		return err
	}
	m.ID = r.ID
	return setMeetingThemes(ctx, db, m.ID, m.Themes)
}

func setMeetingThemes(ctx context.Context, db bun.IDB, id int64, slugs []string) error {
	if _, err := db.NewDelete().Model((*meetingThemeRow)(nil)).Where("meeting_id = ?", id).Exec(ctx); err != nil {
		return err
	}
	if len(slugs) == 0 {
		return nil
	}
	rows := make([]meetingThemeRow, len(slugs))
	for i, s := range slugs {
		rows[i] = meetingThemeRow{MeetingID: id, ThemeSlug: s}
	}
	_, err := db.NewInsert().Model(&rows).Exec(ctx)
	return err
}

// selectMeetings selects meetings AS m with their organiser's name and their
// counts of registered and waiting people.
func selectMeetings(db bun.IDB, rows *[]meetingRow) *bun.SelectQuery {
	return db.NewSelect().Model(rows).ColumnExpr("m.*").
		ColumnExpr("(SELECT u.name FROM users AS u WHERE u.id = m.organizer_id) AS organizer_name").
		ColumnExpr("(SELECT COUNT(*) FROM meeting_registrations AS r WHERE r.meeting_id = m.id AND r.status = ?) AS registered",
			string(passerelle.RegistrationRegistered)).
		ColumnExpr("(SELECT COUNT(*) FROM meeting_registrations AS r WHERE r.meeting_id = m.id AND r.status = ?) AS waiting",
			string(passerelle.RegistrationWaiting))
}

// meetingsWithThemes converts rows and loads their themes in one query.
func meetingsWithThemes(ctx context.Context, db bun.IDB, rows []meetingRow) ([]*passerelle.Meeting, error) {
	out := make([]*passerelle.Meeting, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	byID := make(map[int64]*passerelle.Meeting, len(rows))
	ids := make([]int64, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
		byID[rows[i].ID] = out[i]
		ids[i] = rows[i].ID
	}
	var themes []meetingThemeRow
	if err := db.NewSelect().Model(&themes).Where("meeting_id IN (?)", bun.List(ids)).Order("meeting_id", "theme_slug").Scan(ctx); err != nil {
		return nil, err
	}
	for _, t := range themes {
		byID[t.MeetingID].Themes = append(byID[t.MeetingID].Themes, t.ThemeSlug)
	}
	return out, nil
}

// GetMeeting returns one meeting with its themes and counts, or a not_found
// error.
func GetMeeting(ctx context.Context, db bun.IDB, id int64) (*passerelle.Meeting, error) {
	var rows []meetingRow
	if err := selectMeetings(db, &rows).Where("m.id = ?", id).Scan(ctx); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, passerelle.Errorf(passerelle.ENotFound, "Meeting not found.")
	}
	out, err := meetingsWithThemes(ctx, db, rows)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// LockMeeting serialises, until tx ends, every change to the seats of a
// meeting: registrations, cancellations, promotions and changes of capacity
// each take it first, so that two of them never count the same free seat.
// PostgreSQL locks the meeting's row; SQLite's transactions already hold
// the database's single write lock from their start (_txlock=immediate).
func LockMeeting(ctx context.Context, tx bun.Tx, id int64) error {
	if !isPostgres(tx) {
		return nil
	}
	_, err := tx.ExecContext(ctx, "SELECT id FROM meetings WHERE id = ? FOR UPDATE", id)
	return err
}

// UpdateMeeting writes the content of m (title, territory, themes, times,
// place, link, capacity, deadline, description, sequence) provided its
// version is still expected, and bumps the version. It reports false when
// someone else changed the meeting meanwhile.
func UpdateMeeting(ctx context.Context, db bun.IDB, m *passerelle.Meeting, expected int) (bool, error) {
	r := meetingToRow(m)
	res, err := db.NewUpdate().Model(r).
		Column("title", "territory_code", "description", "starts_at", "ends_at", "place", "online_url", "capacity",
			"registration_deadline", "sequence", "updated_at").
		Set("version = version + 1").
		Where("id = ? AND version = ?", m.ID, expected).Exec(ctx)
	if ok, err := affected(res, err); err != nil || !ok {
		return ok, err
	}
	m.Version = expected + 1
	return true, setMeetingThemes(ctx, db, m.ID, m.Themes)
}

// MoveMeeting changes the state of a meeting from the state it was read in
// and bumps its version; for a cancellation it keeps the reason and bumps
// the sequence, for a record it writes the record and when it was
// published. It reports false when the meeting changed meanwhile.
func MoveMeeting(ctx context.Context, db bun.IDB, m *passerelle.Meeting, to passerelle.MeetingStatus, sequenced bool, now time.Time) (bool, error) {
	q := db.NewUpdate().Model((*meetingRow)(nil)).
		Set("status = ?", string(to)).Set("version = version + 1").Set("updated_at = ?", now).
		Set("cancel_reason = ?", m.CancelReason).Set("record = ?", m.Record).
		Set("record_published_at = ?", m.RecordPublishedAt)
	if sequenced {
		q = q.Set("sequence = sequence + 1")
	}
	res, err := q.Where("id = ? AND version = ? AND status = ?", m.ID, m.Version, string(m.Status)).Exec(ctx)
	return affected(res, err)
}

// MeetingWhen selects meetings by time.
type MeetingWhen string

// The time selections of MeetingFilter.
const (
	MeetingsAll      MeetingWhen = ""
	MeetingsUpcoming MeetingWhen = "upcoming" // not over yet, soonest first (cancelled ones included)
	MeetingsPast     MeetingWhen = "past"     // over, latest first
)

// MeetingFilter selects meetings for a list.
type MeetingFilter struct {
	// Territories keeps the meetings of these territories (nil: all; empty:
	// none).
	Territories []string
	Theme       string
	When        MeetingWhen
	Now         time.Time
	// Statuses keeps these states (nil: all).
	Statuses []passerelle.MeetingStatus
	// Q keeps the meetings whose title, description or published record
	// contain the words, best match first.
	Q search.Query
	// Since keeps the meetings changed after this time (zero: all).
	Since time.Time
	// ByUpdate orders by the last change, latest first (feeds).
	ByUpdate bool
	Limit    int
	Offset   int
}

// ListMeetings returns the meetings matching f and their total.
func ListMeetings(ctx context.Context, db bun.IDB, f MeetingFilter) ([]*passerelle.Meeting, int, error) {
	var rows []meetingRow
	q := selectMeetings(db, &rows)
	if f.Territories != nil {
		if len(f.Territories) == 0 {
			return []*passerelle.Meeting{}, 0, nil
		}
		q = q.Where("m.territory_code IN (?)", bun.List(f.Territories))
	}
	if f.Theme != "" {
		q = q.Where("m.id IN (SELECT t.meeting_id FROM meeting_themes AS t WHERE t.theme_slug = ?)", f.Theme)
	}
	if f.Statuses != nil {
		ss := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			ss[i] = string(s)
		}
		q = q.Where("m.status IN (?)", bun.List(nonEmpty(ss)))
	}
	if !f.Since.IsZero() {
		q = q.Where("m.updated_at > ?", f.Since)
	}
	ranked := false
	if len(f.Q.Terms) > 0 {
		cond, args := meetingSearchCond(db, f.Q)
		q = q.Where(cond, args...)
		ranked = true
	}
	if f.ByUpdate {
		q, ranked = q.OrderExpr("m.updated_at DESC, m.id DESC"), true
	}
	switch f.When {
	case MeetingsUpcoming:
		q = q.Where("m.ends_at > ?", f.Now)
		if !ranked {
			q = q.OrderExpr("m.starts_at, m.id")
		}
	case MeetingsPast:
		q = q.Where("m.ends_at <= ?", f.Now)
		if !ranked {
			q = q.OrderExpr("m.starts_at DESC, m.id DESC")
		}
	default:
		if !ranked {
			q = q.OrderExpr("m.starts_at DESC, m.id DESC")
		}
	}
	if len(f.Q.Terms) > 0 {
		q = meetingRanked(q, db, f.Q)
	}
	if f.Limit > 0 {
		q = q.Limit(int64(f.Limit))
	}
	if f.Offset > 0 {
		q = q.Offset(int64(f.Offset))
	}
	n, err := q.ScanAndCount(ctx)
	if err != nil {
		return nil, 0, err
	}
	out, err := meetingsWithThemes(ctx, db, rows)
	return out, int(n), err
}

// meetingSearchCond is searchCond for meetings: the same French-aware
// matching (stems, accents, variants) over meeting_search.
func meetingSearchCond(db bun.IDB, q search.Query) (string, []any) {
	if q.Empty() {
		return "1 = 0", nil
	}
	if isPostgres(db) {
		tsq, args := tsquery(q)
		return "m.id IN (SELECT s.meeting_id FROM meeting_search AS s WHERE s.search @@ " + tsq + ")", args
	}
	return "m.id IN (SELECT rowid FROM meeting_search WHERE meeting_search MATCH ?)", []any{q.FTS5()}
}

// meetingRanked orders the meetings selected AS m by relevance, best
// first: ts_rank on PostgreSQL, bm25 on SQLite, with the same weights as
// practices (title, description, record).
func meetingRanked(q *bun.SelectQuery, db bun.IDB, sq search.Query) *bun.SelectQuery {
	if isPostgres(db) {
		tsq, args := tsquery(sq)
		return q.Join("JOIN meeting_search AS ms ON ms.meeting_id = m.id").
			OrderExpr("ts_rank(ms.search, "+tsq+") DESC, m.starts_at DESC, m.id DESC", args...)
	}
	return q.Join("JOIN (SELECT rowid AS meeting_id, bm25(meeting_search, 10.0, 3.0, 1.0) AS score FROM meeting_search WHERE meeting_search MATCH ?) AS ms ON ms.meeting_id = m.id", sq.FTS5()).
		OrderExpr("ms.score, m.starts_at DESC, m.id DESC")
}

// MeetingsByID returns the given meetings, in the order of ids (missing
// ones left out).
func MeetingsByID(ctx context.Context, db bun.IDB, ids []int64) ([]*passerelle.Meeting, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var rows []meetingRow
	if err := selectMeetings(db, &rows).Where("m.id IN (?)", bun.List(ids)).Scan(ctx); err != nil {
		return nil, err
	}
	ms, err := meetingsWithThemes(ctx, db, rows)
	if err != nil {
		return nil, err
	}
	byID := make(map[int64]*passerelle.Meeting, len(ms))
	for _, m := range ms {
		byID[m.ID] = m
	}
	out := make([]*passerelle.Meeting, 0, len(ids))
	for _, id := range ids {
		if m := byID[id]; m != nil {
			out = append(out, m)
		}
	}
	return out, nil
}
