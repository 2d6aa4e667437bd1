package store

import (
	"encoding/json"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
)

type territoryRow struct {
	bun.BaseModel `bun:"table:territories"`
	Code          string    `bun:"code,pk"`
	Name          string    `bun:"name"`
	Level         string    `bun:"level"`
	ParentCode    *string   `bun:"parent_code"`
	CreatedAt     time.Time `bun:"created_at"`
}

func (r *territoryRow) domain() passerelle.Territory {
	t := passerelle.Territory{Code: r.Code, Name: r.Name, Level: passerelle.Level(r.Level), CreatedAt: r.CreatedAt}
	if r.ParentCode != nil {
		t.ParentCode = *r.ParentCode
	}
	return t
}

type themeRow struct {
	bun.BaseModel `bun:"table:themes"`
	Slug          string    `bun:"slug,pk"`
	Name          string    `bun:"name"`
	CreatedAt     time.Time `bun:"created_at"`
}

type userRow struct {
	bun.BaseModel `bun:"table:users"`
	ID            int64      `bun:"id,pk,autoincrement"`
	Email         string     `bun:"email"`
	Name          string     `bun:"name"`
	PasswordHash  string     `bun:"password_hash"`
	IsAdmin       bool       `bun:"is_admin"`
	Lang          string     `bun:"lang"`
	DisabledAt    *time.Time `bun:"disabled_at"`
	CreatedAt     time.Time  `bun:"created_at"`
}

func (r *userRow) domain() *passerelle.User {
	return &passerelle.User{ID: r.ID, Email: r.Email, Name: r.Name, Admin: r.IsAdmin, Lang: r.Lang, DisabledAt: r.DisabledAt, CreatedAt: r.CreatedAt}
}

type grantRow struct {
	bun.BaseModel `bun:"table:role_grants"`
	UserID        int64     `bun:"user_id,pk"`
	Role          string    `bun:"role,pk"`
	TerritoryCode string    `bun:"territory_code,pk"`
	CreatedAt     time.Time `bun:"created_at"`
}

type sessionRow struct {
	bun.BaseModel `bun:"table:sessions"`
	TokenHash     string    `bun:"token_hash,pk"`
	UserID        int64     `bun:"user_id"`
	CreatedAt     time.Time `bun:"created_at"`
	LastSeenAt    time.Time `bun:"last_seen_at"`
	ExpiresAt     time.Time `bun:"expires_at"`
}

type tokenRow struct {
	bun.BaseModel `bun:"table:api_tokens"`
	ID            int64      `bun:"id,pk,autoincrement"`
	TokenHash     string     `bun:"token_hash"`
	UserID        int64      `bun:"user_id"`
	CreatedAt     time.Time  `bun:"created_at"`
	ExpiresAt     time.Time  `bun:"expires_at"`
	RevokedAt     *time.Time `bun:"revoked_at"`
}

type practiceRow struct {
	bun.BaseModel `bun:"table:practices,alias:p"`
	ID            int64      `bun:"id,pk,autoincrement"`
	Kind          string     `bun:"kind"`
	Title         string     `bun:"title"`
	Summary       string     `bun:"summary"`
	Body          string     `bun:"body"`
	BodyHTML      string     `bun:"body_html"`
	BodyRenderer  int        `bun:"body_renderer"`
	TerritoryCode *string    `bun:"territory_code"`
	AuthorID      int64      `bun:"author_id"`
	Status        string     `bun:"status"`
	Revision      int        `bun:"revision"`
	Version       int        `bun:"version"`
	Experience    *string    `bun:"experience"`
	Tool          *string    `bun:"tool"`
	CreatedAt     time.Time  `bun:"created_at"`
	UpdatedAt     time.Time  `bun:"updated_at"`
	SubmittedAt   *time.Time `bun:"submitted_at"`
	PublishedAt   *time.Time `bun:"published_at"`
	// PublicChangedAt is kept by the database's triggers (migration
	// 20261206150000_public_changes): never written from here.
	PublicChangedAt *time.Time `bun:"public_changed_at,scanonly"`
	// Cover is the JSON of passerelle.Cover, or "" (migration
	// 20261208100000_practice_cover); written by SetCover only.
	Cover string `bun:"cover,scanonly"`
	// Freshness (migration 20261208110000_freshness), written by
	// freshness.go only.
	ReviewedAt    *time.Time `bun:"reviewed_at,scanonly"`
	ReviewAskedAt *time.Time `bun:"review_asked_at,scanonly"`
	// Updates (migration 20261209100000_practice_updates): UpdateOf is set
	// when a working revision is inserted; RevisedAt is written by
	// ApplyUpdate only.
	UpdateOf  *int64     `bun:"update_of"`
	RevisedAt *time.Time `bun:"revised_at,scanonly"`

	AuthorName string `bun:"author_name,scanonly"`
}

func (r *practiceRow) domain() *passerelle.Practice {
	p := &passerelle.Practice{
		ID: r.ID, Kind: passerelle.Kind(r.Kind), Title: r.Title, Summary: r.Summary, Body: r.Body,
		BodyHTML: r.BodyHTML, BodyRenderer: r.BodyRenderer, AuthorID: r.AuthorID, AuthorName: r.AuthorName, Status: passerelle.Status(r.Status),
		Revision: r.Revision, Version: r.Version, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt,
		SubmittedAt: r.SubmittedAt, PublishedAt: r.PublishedAt, PublicChangedAt: r.PublicChangedAt,
		ReviewedAt: r.ReviewedAt, ReviewAskedAt: r.ReviewAskedAt, RevisedAt: r.RevisedAt,
	}
	if r.UpdateOf != nil {
		p.UpdateOf = *r.UpdateOf
	}
	if r.TerritoryCode != nil {
		p.TerritoryCode = *r.TerritoryCode
	}
	if r.Cover != "" {
		p.Cover = new(passerelle.Cover)
		if json.Unmarshal([]byte(r.Cover), p.Cover) != nil {
			p.Cover = nil
		}
	}
	if r.Experience != nil {
		p.Experience = new(passerelle.Experience)
		_ = json.Unmarshal([]byte(*r.Experience), p.Experience)
	}
	if r.Tool != nil {
		p.Tool = new(passerelle.Tool)
		_ = json.Unmarshal([]byte(*r.Tool), p.Tool)
	}
	return p
}

func practiceToRow(p *passerelle.Practice) *practiceRow {
	r := &practiceRow{
		ID: p.ID, Kind: string(p.Kind), Title: p.Title, Summary: p.Summary, Body: p.Body,
		BodyHTML: p.BodyHTML, BodyRenderer: p.BodyRenderer, AuthorID: p.AuthorID, Status: string(p.Status), Revision: p.Revision, Version: p.Version,
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, SubmittedAt: p.SubmittedAt, PublishedAt: p.PublishedAt,
	}
	if p.TerritoryCode != "" {
		r.TerritoryCode = &p.TerritoryCode
	}
	if p.UpdateOf != 0 {
		r.UpdateOf = &p.UpdateOf
	}
	if p.Experience != nil {
		b, _ := json.Marshal(p.Experience)
		s := string(b)
		r.Experience = &s
	}
	if p.Tool != nil {
		b, _ := json.Marshal(p.Tool)
		s := string(b)
		r.Tool = &s
	}
	return r
}

type practiceThemeRow struct {
	bun.BaseModel `bun:"table:practice_themes"`
	PracticeID    int64  `bun:"practice_id,pk"`
	ThemeSlug     string `bun:"theme_slug,pk"`
}

type eventRow struct {
	bun.BaseModel `bun:"table:practice_events,alias:e"`
	ID            int64     `bun:"id,pk,autoincrement"`
	PracticeID    int64     `bun:"practice_id"`
	At            time.Time `bun:"at"`
	ActorID       int64     `bun:"actor_id"`
	Action        string    `bun:"action"`
	FromStatus    string    `bun:"from_status"`
	ToStatus      string    `bun:"to_status"`
	Comment       string    `bun:"comment"`
	Fields        string    `bun:"fields"` // JSON array of field names, or ""

	ActorName string `bun:"actor_name,scanonly"`
}

func (r *eventRow) domain() passerelle.Event {
	e := passerelle.Event{ID: r.ID, PracticeID: r.PracticeID, At: r.At, ActorID: r.ActorID, ActorName: r.ActorName,
		Action: passerelle.Action(r.Action), From: passerelle.Status(r.FromStatus), To: passerelle.Status(r.ToStatus), Comment: r.Comment}
	if r.Fields != "" {
		_ = json.Unmarshal([]byte(r.Fields), &e.Fields)
	}
	return e
}

type revisionRow struct {
	bun.BaseModel `bun:"table:practice_revisions"`
	PracticeID    int64     `bun:"practice_id,pk"`
	Number        int       `bun:"number,pk"`
	Content       string    `bun:"content"`
	SubmittedAt   time.Time `bun:"submitted_at"`
	SubmittedBy   int64     `bun:"submitted_by"`
}

type notificationRow struct {
	bun.BaseModel `bun:"table:notifications,alias:n"`
	ID            int64      `bun:"id,pk,autoincrement"`
	UserID        int64      `bun:"user_id"`
	Type          string     `bun:"type"`
	PracticeID    int64      `bun:"practice_id,nullzero"` // 0 (NULL) for a notification about a meeting
	EventID       int64      `bun:"event_id,nullzero"`
	MeetingID     int64      `bun:"meeting_id,nullzero"`
	Ref           *string    `bun:"ref"` // keys the notifications of a meeting's job (see meetings.go)
	Message       string     `bun:"message"`
	ReadAt        *time.Time `bun:"read_at"`
	CreatedAt     time.Time  `bun:"created_at"`
}

func (r *notificationRow) domain() passerelle.Notification {
	return passerelle.Notification{ID: r.ID, UserID: r.UserID, Type: r.Type, PracticeID: r.PracticeID, EventID: r.EventID,
		MeetingID: r.MeetingID, Message: r.Message, Read: r.ReadAt != nil, CreatedAt: r.CreatedAt}
}
