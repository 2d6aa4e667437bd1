package store

import (
	"context"
	"encoding/json"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
)

type auditRow struct {
	bun.BaseModel `bun:"table:audit_log,alias:a"`
	ID            int64     `bun:"id,pk,autoincrement"`
	At            time.Time `bun:"at"`
	ActorID       *int64    `bun:"actor_id"`
	Action        string    `bun:"action"`
	Target        string    `bun:"target"`
	Details       string    `bun:"details"`

	ActorName  *string `bun:"actor_name,scanonly"`
	ActorEmail *string `bun:"actor_email,scanonly"`
	TargetName *string `bun:"target_name,scanonly"`
}

// InsertAudit writes one entry of the audit log; call it in the transaction
// of the change it records.
func InsertAudit(ctx context.Context, db bun.IDB, e *passerelle.AuditEntry) error {
	details := "{}"
	if len(e.Details) > 0 {
		b, err := json.Marshal(e.Details)
		if err != nil {
			return err
		}
		details = string(b)
	}
	if e.At.IsZero() {
		e.At = Now()
	}
	r := &auditRow{At: e.At, Action: string(e.Action), Target: e.Target, Details: details}
	if e.ActorID != 0 {
		r.ActorID = &e.ActorID
	}
	if _, err := db.NewInsert().Model(r).Returning("id").Exec(ctx); err != nil {
		return err
	}
	e.ID = r.ID
	return nil
}

// AuditFilter narrows ListAudit. Zero values do not filter.
type AuditFilter struct {
	Actor    *int64 // an account; a pointer to 0 selects the command line
	Action   string
	From, To time.Time // From included, To excluded
	Target   string
	Limit    int // 0: 50
	Offset   int
}

// ListAudit returns the entries of the audit log matching f, newest first,
// and how many match in all.
func ListAudit(ctx context.Context, db bun.IDB, f AuditFilter) ([]passerelle.AuditEntry, int, error) {
	var rows []auditRow
	q := db.NewSelect().Model(&rows).ColumnExpr("a.*").
		ColumnExpr("u.name AS actor_name").ColumnExpr("u.email AS actor_email").
		ColumnExpr("tu.name AS target_name").
		Join("LEFT JOIN users AS u ON u.id = a.actor_id").
		Join("LEFT JOIN users AS tu ON tu.email = a.target")
	switch {
	case f.Actor == nil:
	case *f.Actor == 0:
		q = q.Where("a.actor_id IS NULL")
	default:
		q = q.Where("a.actor_id = ?", *f.Actor)
	}
	if f.Action != "" {
		q = q.Where("a.action = ?", f.Action)
	}
	if f.Target != "" {
		q = q.Where("a.target = ?", f.Target)
	}
	if !f.From.IsZero() {
		q = q.Where("a.at >= ?", f.From.UTC())
	}
	if !f.To.IsZero() {
		q = q.Where("a.at < ?", f.To.UTC())
	}
	if f.Limit <= 0 {
		f.Limit = 50
	}
	total, err := q.OrderExpr("a.at DESC, a.id DESC").Limit(int64(f.Limit)).Offset(int64(f.Offset)).ScanAndCount(ctx)
	if err != nil {
		return nil, 0, err
	}
	out := make([]passerelle.AuditEntry, len(rows))
	for i, r := range rows {
		e := passerelle.AuditEntry{ID: r.ID, At: r.At, Action: passerelle.AuditAction(r.Action), Target: r.Target}
		if r.ActorID != nil {
			e.ActorID = *r.ActorID
		}
		if r.ActorName != nil {
			e.ActorName = *r.ActorName
		}
		if r.ActorEmail != nil {
			e.ActorEmail = *r.ActorEmail
		}
		if r.TargetName != nil {
			e.TargetName = *r.TargetName
		}
		if r.Details != "" && r.Details != "{}" {
			_ = json.Unmarshal([]byte(r.Details), &e.Details)
		}
		out[i] = e
	}
	return out, int(total), nil
}

// UpdateTerritory changes the name, level and parent of a territory; it
// reports false when no territory has its code. Its practices, roles and
// invitations keep pointing at it by code.
func UpdateTerritory(ctx context.Context, db bun.IDB, t passerelle.Territory) (bool, error) {
	var parent *string
	if t.ParentCode != "" {
		parent = &t.ParentCode
	}
	res, err := db.NewUpdate().Model((*territoryRow)(nil)).
		Set("name = ?, level = ?, parent_code = ?", t.Name, string(t.Level), parent).
		Where("code = ?", t.Code).Exec(ctx)
	return affected(res, err)
}

// UpdateTheme renames a theme; it reports false when no theme has its slug.
func UpdateTheme(ctx context.Context, db bun.IDB, t passerelle.Theme) (bool, error) {
	res, err := db.NewUpdate().Model((*themeRow)(nil)).Set("name = ?", t.Name).Where("slug = ?", t.Slug).Exec(ctx)
	return affected(res, err)
}
