package store

import (
	"context"
	"encoding/json"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
)

// InsertPractice stores a new practice with its themes and sets its ID.
func InsertPractice(ctx context.Context, db bun.IDB, p *passerelle.Practice) error {
	r := practiceToRow(p)
	if _, err := db.NewInsert().Model(r).Returning("id").Exec(ctx); err != nil {
		return err
	}
	p.ID = r.ID
	return SetPracticeThemes(ctx, db, p.ID, p.Themes)
}

// SetPracticeThemes replaces the themes of a practice.
func SetPracticeThemes(ctx context.Context, db bun.IDB, id int64, slugs []string) error {
	if _, err := db.NewDelete().Model((*practiceThemeRow)(nil)).Where("practice_id = ?", id).Exec(ctx); err != nil {
		return err
	}
	if len(slugs) == 0 {
		return nil
	}
	rows := make([]practiceThemeRow, len(slugs))
	for i, s := range slugs {
		rows[i] = practiceThemeRow{PracticeID: id, ThemeSlug: s}
	}
	_, err := db.NewInsert().Model(&rows).Exec(ctx)
	return err
}

func selectPractices(db bun.IDB, rows *[]practiceRow) *bun.SelectQuery {
	return db.NewSelect().Model(rows).
		ColumnExpr("p.*").
		ColumnExpr("(SELECT u.name FROM users AS u WHERE u.id = p.author_id) AS author_name")
}

// GetPractice returns the practice with id and its themes, or a not_found
// error.
func GetPractice(ctx context.Context, db bun.IDB, id int64) (*passerelle.Practice, error) {
	var rows []practiceRow
	if err := selectPractices(db, &rows).Where("p.id = ?", id).Scan(ctx); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, passerelle.Errorf(passerelle.ENotFound, "Practice not found.")
	}
	out, err := withThemes(ctx, db, rows)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// withThemes converts rows and loads the themes of all of them in one query.
func withThemes(ctx context.Context, db bun.IDB, rows []practiceRow) ([]*passerelle.Practice, error) {
	out := make([]*passerelle.Practice, len(rows))
	if len(rows) == 0 {
		return out, nil
	}
	byID := make(map[int64]*passerelle.Practice, len(rows))
	ids := make([]int64, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
		out[i].Themes = []string{}
		byID[rows[i].ID] = out[i]
		ids[i] = rows[i].ID
	}
	var themes []practiceThemeRow
	if err := db.NewSelect().Model(&themes).Where("practice_id IN (?)", bun.In(ids)).Order("practice_id", "theme_slug").Scan(ctx); err != nil {
		return nil, err
	}
	for _, t := range themes {
		byID[t.PracticeID].Themes = append(byID[t.PracticeID].Themes, t.ThemeSlug)
	}
	return out, nil
}

// UpdatePracticeContent writes the editable fields of p when its stored
// version is still expected, and bumps the version. It reports false when
// another change came first (the caller answers with a conflict).
func UpdatePracticeContent(ctx context.Context, db bun.IDB, p *passerelle.Practice, expected int) (bool, error) {
	r := practiceToRow(p)
	r.Version = expected + 1
	res, err := db.NewUpdate().Model(r).
		Column("kind", "title", "summary", "body", "territory_code", "experience", "tool", "updated_at", "version").
		Where("id = ? AND version = ?", p.ID, expected).
		Where("status IN (?)", bun.In([]string{string(passerelle.StatusDraft), string(passerelle.StatusChangesRequested)})).
		Exec(ctx)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	p.Version = r.Version
	return true, SetPracticeThemes(ctx, db, p.ID, p.Themes)
}

// MovePractice changes the status of a practice from one state to another,
// only when it still is in that state at that version: of two racing
// decisions, exactly one sees true. It sets the submission or publication time
// when the target calls for it and bumps the version.
func MovePractice(ctx context.Context, db bun.IDB, p *passerelle.Practice, to passerelle.Status, at time.Time) (bool, error) {
	q := db.NewUpdate().Model((*practiceRow)(nil)).
		Set("status = ?", string(to)).
		Set("version = version + 1").
		Set("updated_at = ?", at).
		Where("id = ? AND status = ? AND version = ?", p.ID, string(p.Status), p.Version)
	switch to {
	case passerelle.StatusSubmitted:
		q = q.Set("submitted_at = ?", at).Set("revision = revision + 1")
	case passerelle.StatusPublished:
		if p.PublishedAt == nil {
			q = q.Set("published_at = ?", at)
		}
	}
	res, err := q.Exec(ctx)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// InsertEvent appends an entry to a practice's history and sets its ID.
func InsertEvent(ctx context.Context, db bun.IDB, e *passerelle.Event) error {
	r := &eventRow{PracticeID: e.PracticeID, At: e.At, ActorID: e.ActorID, Action: string(e.Action),
		FromStatus: string(e.From), ToStatus: string(e.To), Comment: e.Comment}
	if _, err := db.NewInsert().Model(r).Returning("id").Exec(ctx); err != nil {
		return err
	}
	e.ID = r.ID
	return nil
}

// GetEvent returns one history entry with its actor's name.
func GetEvent(ctx context.Context, db bun.IDB, id int64) (*passerelle.Event, error) {
	var r eventRow
	err := db.NewSelect().Model(&r).ColumnExpr("e.*").
		ColumnExpr("(SELECT u.name FROM users AS u WHERE u.id = e.actor_id) AS actor_name").
		Where("e.id = ?", id).Scan(ctx)
	if err != nil {
		if IsNotFound(err) {
			return nil, passerelle.Errorf(passerelle.ENotFound, "Event not found.")
		}
		return nil, err
	}
	e := r.domain()
	return &e, nil
}

// ListEvents returns the history of a practice, oldest first.
func ListEvents(ctx context.Context, db bun.IDB, practiceID int64) ([]passerelle.Event, error) {
	var rows []eventRow
	err := db.NewSelect().Model(&rows).ColumnExpr("e.*").
		ColumnExpr("(SELECT u.name FROM users AS u WHERE u.id = e.actor_id) AS actor_name").
		Where("e.practice_id = ?", practiceID).Order("e.id").Scan(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]passerelle.Event, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// LatestComments returns, for each of the given practices, the comment of its
// latest moderator decision that carried one.
func LatestComments(ctx context.Context, db bun.IDB, practiceIDs []int64) (map[int64]string, error) {
	out := map[int64]string{}
	if len(practiceIDs) == 0 {
		return out, nil
	}
	var rows []eventRow
	err := db.NewSelect().Model(&rows).
		Where("e.practice_id IN (?)", bun.In(practiceIDs)).
		Where("e.action IN (?)", bun.In([]string{string(passerelle.ActionRequestChanges), string(passerelle.ActionReject), string(passerelle.ActionApprove)})).
		Where("e.comment <> ''").
		Order("e.id").Scan(ctx)
	for _, r := range rows {
		out[r.PracticeID] = r.Comment
	}
	return out, err
}

// InsertRevision freezes the content of a practice at a submission.
func InsertRevision(ctx context.Context, db bun.IDB, rev passerelle.Revision) error {
	b, err := json.Marshal(rev.Practice)
	if err != nil {
		return err
	}
	_, err = db.NewInsert().Model(&revisionRow{PracticeID: rev.PracticeID, Number: rev.Number, Content: string(b),
		SubmittedAt: rev.SubmittedAt, SubmittedBy: rev.SubmittedBy}).Exec(ctx)
	return err
}

// ListRevisions returns every submitted revision of a practice, oldest first.
func ListRevisions(ctx context.Context, db bun.IDB, practiceID int64) ([]passerelle.Revision, error) {
	var rows []revisionRow
	if err := db.NewSelect().Model(&rows).Where("practice_id = ?", practiceID).Order("number").Scan(ctx); err != nil {
		return nil, err
	}
	out := make([]passerelle.Revision, len(rows))
	for i, r := range rows {
		out[i] = passerelle.Revision{PracticeID: r.PracticeID, Number: r.Number, SubmittedAt: r.SubmittedAt, SubmittedBy: r.SubmittedBy}
		if err := json.Unmarshal([]byte(r.Content), &out[i].Practice); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// PracticeFilter selects practices in lists.
type PracticeFilter struct {
	Statuses    []passerelle.Status
	Territories []string // nil: any; empty non-nil: none
	Theme       string
	Kind        passerelle.Kind
	Query       string
	AuthorID    int64
	Limit       int
	Offset      int
	OldestFirst bool // by submission time, for the review queue
}

func (f *PracticeFilter) apply(q *bun.SelectQuery) *bun.SelectQuery {
	if len(f.Statuses) > 0 {
		st := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			st[i] = string(s)
		}
		q = q.Where("p.status IN (?)", bun.In(st))
	}
	if f.Territories != nil {
		if len(f.Territories) == 0 {
			q = q.Where("1 = 0")
		} else {
			q = q.Where("p.territory_code IN (?)", bun.In(f.Territories))
		}
	}
	if f.Theme != "" {
		q = q.Where("EXISTS (SELECT 1 FROM practice_themes AS pt WHERE pt.practice_id = p.id AND pt.theme_slug = ?)", f.Theme)
	}
	if f.Kind != "" {
		q = q.Where("p.kind = ?", string(f.Kind))
	}
	if f.AuthorID != 0 {
		q = q.Where("p.author_id = ?", f.AuthorID)
	}
	if words := strings.Fields(strings.ToLower(f.Query)); len(words) > 0 {
		for _, w := range words {
			like := "%" + strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(w) + "%"
			q = q.WhereGroup(" AND ", func(q *bun.SelectQuery) *bun.SelectQuery {
				return q.Where(`lower(p.title) LIKE ? ESCAPE '\'`, like).
					WhereOr(`lower(p.summary) LIKE ? ESCAPE '\'`, like).
					WhereOr(`lower(p.body) LIKE ? ESCAPE '\'`, like)
			})
		}
	}
	return q
}

// ListPractices returns one page of the practices matching f, newest
// publication first (oldest submission first for the queue, latest change
// first for an author), and how many match in all.
func ListPractices(ctx context.Context, db bun.IDB, f PracticeFilter) ([]*passerelle.Practice, int, error) {
	var rows []practiceRow
	q := f.apply(selectPractices(db, &rows))
	switch {
	case f.OldestFirst:
		q = q.Order("p.submitted_at", "p.id")
	case f.AuthorID != 0:
		q = q.OrderExpr("p.updated_at DESC, p.id DESC")
	default:
		q = q.OrderExpr("p.published_at DESC, p.id DESC")
	}
	if f.Limit > 0 {
		q = q.Limit(int64(f.Limit)).Offset(int64(f.Offset))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, 0, err
	}
	total := len(rows) + f.Offset
	if f.Limit > 0 && (len(rows) == f.Limit || f.Offset > 0) {
		n, err := f.apply(db.NewSelect().Model((*practiceRow)(nil))).Count(ctx)
		if err != nil {
			return nil, 0, err
		}
		total = int(n)
	}
	out, err := withThemes(ctx, db, rows)
	return out, total, err
}

// Facet is a value of a filter and how many practices carry it.
type Facet struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// Facets counts the practices matching f by territory, theme and kind.
func Facets(ctx context.Context, db bun.IDB, f PracticeFilter) (map[string][]Facet, error) {
	out := map[string][]Facet{"territory": {}, "theme": {}, "kind": {}}
	for name, expr := range map[string]string{"territory": "p.territory_code", "kind": "p.kind"} {
		var rows []Facet
		err := f.apply(db.NewSelect().Model((*practiceRow)(nil))).
			ColumnExpr(expr+" AS value").ColumnExpr("count(*) AS count").
			GroupExpr(expr).OrderExpr("count DESC, value").Scan(ctx, &rows)
		if err != nil {
			return nil, err
		}
		out[name] = append(out[name], rows...)
	}
	var rows []Facet
	sub := f.apply(db.NewSelect().Model((*practiceRow)(nil)).Column("p.id"))
	err := db.NewSelect().TableExpr("practice_themes AS pt").
		ColumnExpr("pt.theme_slug AS value").ColumnExpr("count(*) AS count").
		Where("pt.practice_id IN (?)", sub).
		GroupExpr("pt.theme_slug").OrderExpr("count DESC, value").Scan(ctx, &rows)
	if err != nil {
		return nil, err
	}
	out["theme"] = append(out["theme"], rows...)
	return out, nil
}

// CountByTerritory returns the number of practices matching f per territory
// code (only codes with at least one).
func CountByTerritory(ctx context.Context, db bun.IDB, f PracticeFilter) (map[string]int, error) {
	var rows []Facet
	err := f.apply(db.NewSelect().Model((*practiceRow)(nil))).
		ColumnExpr("p.territory_code AS value").ColumnExpr("count(*) AS count").
		Where("p.territory_code IS NOT NULL").GroupExpr("p.territory_code").Scan(ctx, &rows)
	out := make(map[string]int, len(rows))
	for _, r := range rows {
		out[r.Value] = r.Count
	}
	return out, err
}
