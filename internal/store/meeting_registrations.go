package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
)

type registrationRow struct {
	bun.BaseModel `bun:"table:meeting_registrations,alias:r"`
	ID            int64     `bun:"id,pk,autoincrement"`
	MeetingID     int64     `bun:"meeting_id"`
	UserID        int64     `bun:"user_id"`
	Status        string    `bun:"status"`
	Position      int64     `bun:"position"`
	Attended      *bool     `bun:"attended"`
	RegisteredAt  time.Time `bun:"registered_at"`
	UpdatedAt     time.Time `bun:"updated_at"`

	UserName  string `bun:"user_name,scanonly"`
	UserEmail string `bun:"user_email,scanonly"`
	Rank      int    `bun:"rank,scanonly"`
}

func (r *registrationRow) domain() passerelle.Registration {
	return passerelle.Registration{ID: r.ID, MeetingID: r.MeetingID, UserID: r.UserID, UserName: r.UserName, UserEmail: r.UserEmail,
		Status: passerelle.RegistrationStatus(r.Status), Position: r.Position, WaitingRank: r.Rank, Attended: r.Attended,
		RegisteredAt: r.RegisteredAt.UTC(), UpdatedAt: r.UpdatedAt.UTC()}
}

func selectRegistrations(db bun.IDB, rows *[]registrationRow) *bun.SelectQuery {
	return db.NewSelect().Model(rows).ColumnExpr("r.*").
		ColumnExpr("u.name AS user_name, u.email AS user_email").
		ColumnExpr(`CASE WHEN r.status = ? THEN (SELECT COUNT(*) FROM meeting_registrations AS w
			WHERE w.meeting_id = r.meeting_id AND w.status = ? AND w.position <= r.position) ELSE 0 END AS rank`,
			string(passerelle.RegistrationWaiting), string(passerelle.RegistrationWaiting)).
		Join("JOIN users AS u ON u.id = r.user_id")
}

// GetRegistration returns a user's registration to a meeting, or nil when
// they never registered.
func GetRegistration(ctx context.Context, db bun.IDB, meetingID, userID int64) (*passerelle.Registration, error) {
	var rows []registrationRow
	if err := selectRegistrations(db, &rows).Where("r.meeting_id = ? AND r.user_id = ?", meetingID, userID).Scan(ctx); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, nil
	}
	reg := rows[0].domain()
	return &reg, nil
}

// GetRegistrationByID returns one registration, or a not_found error.
func GetRegistrationByID(ctx context.Context, db bun.IDB, id int64) (*passerelle.Registration, error) {
	var rows []registrationRow
	if err := selectRegistrations(db, &rows).Where("r.id = ?", id).Scan(ctx); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, passerelle.Errorf(passerelle.ENotFound, "Registration not found.")
	}
	reg := rows[0].domain()
	return &reg, nil
}

// SeatCounts returns how many people hold a seat and how many wait. Called
// under LockMeeting, the answer holds until the transaction ends.
func SeatCounts(ctx context.Context, db bun.IDB, meetingID int64) (registered, waiting int, err error) {
	var rows []struct {
		Status string `bun:"status"`
		N      int    `bun:"n"`
	}
	err = db.NewSelect().TableExpr("meeting_registrations").ColumnExpr("status, COUNT(*) AS n").
		Where("meeting_id = ? AND status IN (?)", meetingID,
			bun.List([]string{string(passerelle.RegistrationRegistered), string(passerelle.RegistrationWaiting)})).
		GroupExpr("status").Scan(ctx, &rows)
	for _, r := range rows {
		switch passerelle.RegistrationStatus(r.Status) {
		case passerelle.RegistrationRegistered:
			registered = r.N
		case passerelle.RegistrationWaiting:
			waiting = r.N
		}
	}
	return registered, waiting, err
}

// SaveRegistration writes a user's registration to a meeting in its new
// state (inserting it the first time), moving it from the state from it
// was read in; a newcomer to the waiting list is put at its end. It reports
// false when the registration changed meanwhile.
func SaveRegistration(ctx context.Context, db bun.IDB, reg *passerelle.Registration, from passerelle.RegistrationStatus) (bool, error) {
	if reg.Status == passerelle.RegistrationWaiting && from != passerelle.RegistrationWaiting {
		var last int64
		if err := db.NewSelect().TableExpr("meeting_registrations").ColumnExpr("COALESCE(MAX(position), 0)").
			Where("meeting_id = ?", reg.MeetingID).Scan(ctx, &last); err != nil {
			return false, err
		}
		reg.Position = last + 1
	}
	r := &registrationRow{MeetingID: reg.MeetingID, UserID: reg.UserID, Status: string(reg.Status), Position: reg.Position,
		Attended: reg.Attended, RegisteredAt: reg.RegisteredAt, UpdatedAt: reg.UpdatedAt}
	if from == passerelle.NoRegistration {
		_, err := db.NewInsert().Model(r).ExcludeColumn("id").Returning("id").Exec(ctx)
		if IsUniqueViolation(err) {
			return false, nil
		} else if err != nil {
			return false, err
		}
		reg.ID = r.ID
		return true, nil
	}
	res, err := db.NewUpdate().Model(r).Column("status", "position", "registered_at", "updated_at").
		Where("meeting_id = ? AND user_id = ? AND status = ?", reg.MeetingID, reg.UserID, string(from)).Exec(ctx)
	if ok, err := affected(res, err); err != nil || !ok {
		return ok, err
	}
	return true, db.NewSelect().TableExpr("meeting_registrations").Column("id").
		Where("meeting_id = ? AND user_id = ?", reg.MeetingID, reg.UserID).Scan(ctx, &reg.ID)
}

// PromoteWaiting gives a seat to the first n people waiting, in the order
// they joined the list, and returns their registrations. Called under
// LockMeeting: a person is promoted once, whatever the number of jobs.
func PromoteWaiting(ctx context.Context, db bun.IDB, meetingID int64, n int, now time.Time) ([]passerelle.Registration, error) {
	if n <= 0 {
		return nil, nil
	}
	var rows []registrationRow
	if err := selectRegistrations(db, &rows).Where("r.meeting_id = ? AND r.status = ?", meetingID, string(passerelle.RegistrationWaiting)).
		OrderExpr("r.position, r.id").Limit(int64(n)).Scan(ctx); err != nil {
		return nil, err
	}
	out := make([]passerelle.Registration, 0, len(rows))
	for _, r := range rows {
		res, err := db.NewUpdate().Model((*registrationRow)(nil)).
			Set("status = ?", string(passerelle.RegistrationRegistered)).Set("updated_at = ?", now).
			Where("id = ? AND status = ?", r.ID, string(passerelle.RegistrationWaiting)).Exec(ctx)
		if ok, err := affected(res, err); err != nil {
			return nil, err
		} else if ok {
			reg := r.domain()
			reg.Status, reg.UpdatedAt, reg.WaitingRank = passerelle.RegistrationRegistered, now, 0
			out = append(out, reg)
		}
	}
	return out, nil
}

// ListRegistrations returns the registrations of a meeting: those holding
// a seat (in the order they registered), then those waiting (in the order
// of the list), then those who cancelled.
func ListRegistrations(ctx context.Context, db bun.IDB, meetingID int64) ([]passerelle.Registration, error) {
	var rows []registrationRow
	err := selectRegistrations(db, &rows).Where("r.meeting_id = ?", meetingID).
		OrderExpr(`CASE r.status WHEN ? THEN 0 WHEN ? THEN 1 ELSE 2 END, CASE WHEN r.status = ? THEN r.position ELSE 0 END, r.registered_at, r.id`,
			string(passerelle.RegistrationRegistered), string(passerelle.RegistrationWaiting), string(passerelle.RegistrationWaiting)).
		Scan(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]passerelle.Registration, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// RegistrantsOf returns the enabled accounts whose registration to a meeting
// is in one of statuses, in the order they registered.
func RegistrantsOf(ctx context.Context, db bun.IDB, meetingID int64, statuses ...passerelle.RegistrationStatus) ([]Recipient, error) {
	ss := make([]string, len(statuses))
	for i, s := range statuses {
		ss[i] = string(s)
	}
	var out []Recipient
	err := db.NewSelect().TableExpr("meeting_registrations AS r").Join("JOIN users AS u ON u.id = r.user_id").
		ColumnExpr("u.id, u.lang").
		Where("r.meeting_id = ? AND r.status IN (?) AND u.disabled_at IS NULL", meetingID, bun.List(nonEmpty(ss))).
		OrderExpr("r.registered_at, r.id").Scan(ctx, &out)
	return out, err
}

// SetAttendance records whether a registrant came (nil: unknown). It
// reports false when the user holds no seat at the meeting.
func SetAttendance(ctx context.Context, db bun.IDB, meetingID, userID int64, attended *bool, now time.Time) (bool, error) {
	res, err := db.NewUpdate().Model((*registrationRow)(nil)).Set("attended = ?", attended).Set("updated_at = ?", now).
		Where("meeting_id = ? AND user_id = ? AND status = ?", meetingID, userID, string(passerelle.RegistrationRegistered)).Exec(ctx)
	return affected(res, err)
}

// MyRegistrations returns a user's registrations, by meeting id.
func MyRegistrations(ctx context.Context, db bun.IDB, userID int64, meetingIDs []int64) (map[int64]passerelle.Registration, error) {
	out := map[int64]passerelle.Registration{}
	if len(meetingIDs) == 0 {
		return out, nil
	}
	var rows []registrationRow
	if err := selectRegistrations(db, &rows).Where("r.user_id = ? AND r.meeting_id IN (?)", userID, bun.List(meetingIDs)).Scan(ctx); err != nil {
		return nil, err
	}
	for i := range rows {
		out[rows[i].MeetingID] = rows[i].domain()
	}
	return out, nil
}

type agendaRow struct {
	bun.BaseModel `bun:"table:meeting_agenda,alias:a"`
	ID            int64      `bun:"id,pk,autoincrement"`
	MeetingID     int64      `bun:"meeting_id"`
	PracticeID    int64      `bun:"practice_id"`
	Position      int        `bun:"position"`
	Speaker       string     `bun:"speaker"`
	StartsAt      *time.Time `bun:"starts_at"`
	Status        string     `bun:"status"`
	ProposedBy    int64      `bun:"proposed_by"`
	DecidedBy     *int64     `bun:"decided_by"`
	DecidedAt     *time.Time `bun:"decided_at"`
	Comment       string     `bun:"comment"`
	CreatedAt     time.Time  `bun:"created_at"`

	PracticeTitle     string `bun:"practice_title,scanonly"`
	PracticeTerritory string `bun:"practice_territory,scanonly"`
	PracticeKind      string `bun:"practice_kind,scanonly"`
	ProposedByName    string `bun:"proposed_by_name,scanonly"`
}

func (r *agendaRow) domain() passerelle.AgendaItem {
	a := passerelle.AgendaItem{ID: r.ID, MeetingID: r.MeetingID, PracticeID: r.PracticeID, Position: r.Position, Speaker: r.Speaker,
		StartsAt: utcPtr(r.StartsAt), Status: passerelle.AgendaStatus(r.Status), ProposedBy: r.ProposedBy, DecidedAt: utcPtr(r.DecidedAt),
		Comment: r.Comment, CreatedAt: r.CreatedAt.UTC(), PracticeTitle: r.PracticeTitle, PracticeTerritory: r.PracticeTerritory,
		PracticeKind: passerelle.Kind(r.PracticeKind), ProposedByName: r.ProposedByName}
	if r.DecidedBy != nil {
		a.DecidedBy = *r.DecidedBy
	}
	return a
}

func selectAgenda(db bun.IDB, rows *[]agendaRow) *bun.SelectQuery {
	return db.NewSelect().Model(rows).ColumnExpr("a.*").
		ColumnExpr("p.title AS practice_title, COALESCE(p.territory_code, '') AS practice_territory, p.kind AS practice_kind").
		ColumnExpr("u.name AS proposed_by_name").
		Join("JOIN practices AS p ON p.id = a.practice_id").
		Join("JOIN users AS u ON u.id = a.proposed_by")
}

// InsertAgendaItem stores an agenda item and sets its ID. Errors: conflict
// when the practice is already on the meeting's agenda (or proposed).
func InsertAgendaItem(ctx context.Context, db bun.IDB, a *passerelle.AgendaItem) error {
	r := &agendaRow{MeetingID: a.MeetingID, PracticeID: a.PracticeID, Position: a.Position, Speaker: a.Speaker,
		StartsAt: utcPtr(a.StartsAt), Status: string(a.Status), ProposedBy: a.ProposedBy, DecidedAt: utcPtr(a.DecidedAt),
		Comment: a.Comment, CreatedAt: a.CreatedAt}
	if a.DecidedBy != 0 {
		r.DecidedBy = &a.DecidedBy
	}
	if a.Position == 0 {
		var last int
		if err := db.NewSelect().TableExpr("meeting_agenda").ColumnExpr("COALESCE(MAX(position), 0)").
			Where("meeting_id = ?", a.MeetingID).Scan(ctx, &last); err != nil {
			return err
		}
		r.Position, a.Position = last+1, last+1
	}
	if _, err := db.NewInsert().Model(r).ExcludeColumn("id").Returning("id").Exec(ctx); err != nil {
		if IsUniqueViolation(err) {
			return passerelle.Errorf(passerelle.EConflict, "This practice is already on the agenda of this meeting.")
		}
		return err
	}
	a.ID = r.ID
	return nil
}

// GetAgendaItem returns one agenda item of a meeting, or a not_found error.
func GetAgendaItem(ctx context.Context, db bun.IDB, meetingID, id int64) (*passerelle.AgendaItem, error) {
	var rows []agendaRow
	if err := selectAgenda(db, &rows).Where("a.id = ? AND a.meeting_id = ?", id, meetingID).Scan(ctx); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, passerelle.Errorf(passerelle.ENotFound, "Agenda item not found.")
	}
	a := rows[0].domain()
	return &a, nil
}

// ListAgenda returns the agenda of a meeting in its order: accepted items,
// then proposals, then declined ones.
func ListAgenda(ctx context.Context, db bun.IDB, meetingID int64) ([]passerelle.AgendaItem, error) {
	var rows []agendaRow
	err := selectAgenda(db, &rows).Where("a.meeting_id = ?", meetingID).
		OrderExpr("CASE a.status WHEN ? THEN 0 WHEN ? THEN 1 ELSE 2 END, a.position, a.id",
			string(passerelle.AgendaAccepted), string(passerelle.AgendaProposed)).Scan(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]passerelle.AgendaItem, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// DecideAgendaItem moves a proposal to accepted or declined, provided it is
// still a proposal. It reports false otherwise.
func DecideAgendaItem(ctx context.Context, db bun.IDB, a *passerelle.AgendaItem, to passerelle.AgendaStatus, by int64, now time.Time) (bool, error) {
	res, err := db.NewUpdate().Model((*agendaRow)(nil)).
		Set("status = ?", string(to)).Set("decided_by = ?", by).Set("decided_at = ?", now).Set("comment = ?", a.Comment).
		Set("speaker = ?", a.Speaker).Set("starts_at = ?", utcPtr(a.StartsAt)).
		Where("id = ? AND status = ?", a.ID, string(passerelle.AgendaProposed)).Exec(ctx)
	return affected(res, err)
}

// DeleteAgendaItem removes an item from a meeting's agenda. It reports
// false when there was none.
func DeleteAgendaItem(ctx context.Context, db bun.IDB, meetingID, id int64) (bool, error) {
	res, err := db.NewDelete().Model((*agendaRow)(nil)).Where("id = ? AND meeting_id = ?", id, meetingID).Exec(ctx)
	return affected(res, err)
}

// Presentation is a meeting where a practice was (or will be) presented.
type Presentation struct {
	Meeting *passerelle.Meeting
	Item    passerelle.AgendaItem
}

// PresentationsOf returns the meetings, not cancelled, whose agenda holds
// a practice (accepted), latest first.
func PresentationsOf(ctx context.Context, db bun.IDB, practiceID int64) ([]Presentation, error) {
	var rows []agendaRow
	err := selectAgenda(db, &rows).Join("JOIN meetings AS m ON m.id = a.meeting_id").
		Where("a.practice_id = ? AND a.status = ? AND m.status <> ?", practiceID, string(passerelle.AgendaAccepted), string(passerelle.MeetingCancelled)).
		OrderExpr("m.starts_at DESC, m.id DESC").Scan(ctx)
	if err != nil || len(rows) == 0 {
		return nil, err
	}
	ids := make([]int64, len(rows))
	for i, r := range rows {
		ids[i] = r.MeetingID
	}
	ms, err := MeetingsByID(ctx, db, ids)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*passerelle.Meeting{}
	for _, m := range ms {
		byID[m.ID] = m
	}
	out := make([]Presentation, 0, len(rows))
	for i := range rows {
		if m := byID[rows[i].MeetingID]; m != nil {
			out = append(out, Presentation{Meeting: m, Item: rows[i].domain()})
		}
	}
	return out, nil
}
