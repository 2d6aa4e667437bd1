package store

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/search"
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
	if err := db.NewSelect().Model(&themes).Where("practice_id IN (?)", bun.List(ids)).Order("practice_id", "theme_slug").Scan(ctx); err != nil {
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
		Column("kind", "title", "summary", "body", "body_html", "body_renderer", "territory_code", "experience", "tool", "updated_at", "version").
		Where("id = ? AND version = ?", p.ID, expected).
		Where("status IN (?)", bun.List([]string{string(passerelle.StatusDraft), string(passerelle.StatusChangesRequested)})).
		Exec(ctx)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	p.Version = r.Version
	return true, updatePracticeThemes(ctx, db, p.ID, p.Themes)
}

// updatePracticeThemes brings the themes of a practice to slugs, touching
// only those that changed: an edit that leaves them alone (most do) writes
// nothing, and no catalogue trigger fires.
func updatePracticeThemes(ctx context.Context, db bun.IDB, id int64, slugs []string) error {
	var current []string
	if err := db.NewSelect().Model((*practiceThemeRow)(nil)).Column("theme_slug").Where("practice_id = ?", id).Scan(ctx, &current); err != nil {
		return err
	}
	var gone, added []string
	for _, c := range current {
		if !slices.Contains(slugs, c) {
			gone = append(gone, c)
		}
	}
	for _, s := range slugs {
		if !slices.Contains(current, s) && !slices.Contains(added, s) {
			added = append(added, s)
		}
	}
	if len(gone) > 0 {
		if _, err := db.NewDelete().Model((*practiceThemeRow)(nil)).Where("practice_id = ? AND theme_slug IN (?)", id, bun.List(gone)).Exec(ctx); err != nil {
			return err
		}
	}
	if len(added) == 0 {
		return nil
	}
	rows := make([]practiceThemeRow, len(added))
	for i, s := range added {
		rows[i] = practiceThemeRow{PracticeID: id, ThemeSlug: s}
	}
	_, err := db.NewInsert().Model(&rows).Exec(ctx)
	return err
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
	if len(e.Fields) > 0 {
		b, _ := json.Marshal(e.Fields)
		r.Fields = string(b)
	}
	if _, err := db.NewInsert().Model(r).Returning("id").Exec(ctx); err != nil {
		return err
	}
	e.ID = r.ID
	return nil
}

// ExtendEdit moves to at the latest entry of a practice's history when it
// is an edit by actorID made at or after since, and reports whether it did:
// edits in one sitting are one entry.
func ExtendEdit(ctx context.Context, db bun.IDB, practiceID, actorID int64, since, at time.Time) (bool, error) {
	last := db.NewSelect().TableExpr("practice_events").ColumnExpr("MAX(id)").Where("practice_id = ?", practiceID)
	res, err := db.NewUpdate().TableExpr("practice_events").Set("at = ?", at).
		Where("id = (?)", last).Where("action = ?", string(passerelle.ActionEdit)).
		Where("actor_id = ?", actorID).Where("at >= ?", since).Exec(ctx)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
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
		Where("e.practice_id IN (?)", bun.List(practiceIDs)).
		Where("e.action IN (?)", bun.List([]string{string(passerelle.ActionRequestChanges), string(passerelle.ActionReject), string(passerelle.ActionApprove)})).
		Where("e.comment <> ''").
		Order("e.id").Scan(ctx)
	for _, r := range rows {
		out[r.PracticeID] = r.Comment
	}
	return out, err
}

// InsertRevision freezes the content of a practice at a submission.
func InsertRevision(ctx context.Context, db bun.IDB, rev passerelle.Revision) error {
	b, err := json.Marshal(revisionContent{Practice: rev.Practice, Files: rev.Files, Cover: rev.Cover, CoverKnown: rev.CoverKnown})
	if err != nil {
		return err
	}
	_, err = db.NewInsert().Model(&revisionRow{PracticeID: rev.PracticeID, Number: rev.Number, Content: string(b),
		SubmittedAt: rev.SubmittedAt, SubmittedBy: rev.SubmittedBy}).Exec(ctx)
	return err
}

// revisionContent is the JSON of a revision: the practice's fields, and
// beside them the files attached ("files", absent from revisions submitted
// before files were recorded).
type revisionContent struct {
	passerelle.Practice
	Files []passerelle.RevisionFile `json:"files"`
	// The cover image (absent from revisions submitted before covers were
	// recorded: cover_known false).
	Cover      *passerelle.Cover `json:"cover,omitempty"`
	CoverKnown bool              `json:"cover_known,omitempty"`
}

// ListRevisions returns every submitted revision of a practice, oldest first.
func ListRevisions(ctx context.Context, db bun.IDB, practiceID int64) ([]passerelle.Revision, error) {
	var rows []revisionRow
	if err := db.NewSelect().Model(&rows).Where("practice_id = ?", practiceID).Order("number").Scan(ctx); err != nil {
		return nil, err
	}
	out := make([]passerelle.Revision, len(rows))
	for i, r := range rows {
		var c revisionContent
		if err := json.Unmarshal([]byte(r.Content), &c); err != nil {
			return nil, err
		}
		out[i] = passerelle.Revision{PracticeID: r.PracticeID, Number: r.Number, SubmittedAt: r.SubmittedAt, SubmittedBy: r.SubmittedBy,
			Practice: c.Practice, Files: c.Files, Cover: c.Cover, CoverKnown: c.CoverKnown}
	}
	return out, nil
}

// PracticeFilter selects practices in lists.
type PracticeFilter struct {
	Statuses    []passerelle.Status
	Territories []string // nil: any; empty non-nil: none
	Theme       string
	Kind        passerelle.Kind
	Format      string // of a tool, one of passerelle.Formats
	Audience    string // of a tool, matched without regard to case or accents
	Year        int    // of publication, in UTC
	// Query is a reader's search text (see search.Parse): French words
	// matched whatever their accents and inflection. Text made only of stop
	// words matches nothing.
	Query string
	// Named says what each term of Query (in the order of search.Parse)
	// names among territories and themes; the public lists also find a
	// practice by the territories and themes it names (see names.go).
	Named []TermNames
	// ByDate orders a search by publication, newest first, rather than by
	// relevance.
	ByDate      bool
	AuthorID    int64
	Limit       int
	Offset      int
	OldestFirst bool // by submission time, for the review queue
}

func (f *PracticeFilter) apply(q *bun.SelectQuery) *bun.SelectQuery {
	q = f.applyFields(q)
	if strings.TrimSpace(f.Query) != "" {
		cond, args := searchCond(q.DB(), search.Parse(f.Query))
		q = q.Where(cond, args...)
	}
	return q
}

// applyFields applies every filter but the search text.
func (f *PracticeFilter) applyFields(q *bun.SelectQuery) *bun.SelectQuery {
	if len(f.Statuses) > 0 {
		st := make([]string, len(f.Statuses))
		for i, s := range f.Statuses {
			st[i] = string(s)
		}
		if len(st) == 1 {
			// Equality rather than IN (x): SQLite's planner then reads the
			// published index in order instead of sorting.
			q = q.Where("p.status = ?", st[0])
		} else {
			q = q.Where("p.status IN (?)", bun.List(st))
		}
	}
	if f.Territories != nil {
		switch len(f.Territories) {
		case 0:
			q = q.Where("1 = 0")
		case 1:
			q = q.Where("p.territory_code = ?", f.Territories[0])
		default:
			q = q.Where("p.territory_code IN (?)", bun.List(f.Territories))
		}
	}
	if f.Theme != "" {
		q = q.Where("EXISTS (SELECT 1 FROM practice_themes AS pt WHERE pt.practice_id = p.id AND pt.theme_slug = ?)", f.Theme)
	}
	if f.Kind != "" {
		q = q.Where("p.kind = ?", string(f.Kind))
	}
	if f.Format != "" {
		q = q.Where(formatExpr(q.DB())+" = ?", f.Format)
	}
	if f.Year != 0 {
		from := time.Date(f.Year, time.January, 1, 0, 0, 0, 0, time.UTC)
		q = q.Where("p.published_at >= ? AND p.published_at < ?", from, from.AddDate(1, 0, 0))
	}
	if f.Audience != "" {
		if isPostgres(q.DB()) {
			q = q.Where("p.id IN (SELECT pa.practice_id FROM practice_audiences AS pa WHERE pa.audience = lower(passerelle_unaccent(?)))", f.Audience)
		} else {
			q = q.Where("p.id IN (SELECT pa.practice_id FROM practice_audiences AS pa WHERE pa.audience = ?)", search.Fold(f.Audience))
		}
	}
	if f.AuthorID != 0 {
		q = q.Where("p.author_id = ?", f.AuthorID)
	}
	return q
}

// ListPractices returns one page of the practices matching f and how many
// match in all: best match first when f has a query, else newest
// publication first (oldest submission first for the queue, latest change
// first for an author).
func ListPractices(ctx context.Context, db bun.IDB, f PracticeFilter) ([]*passerelle.Practice, int, error) {
	return listPractices(ctx, db, f, true)
}

func listPractices(ctx context.Context, db bun.IDB, f PracticeFilter, withTotal bool) ([]*passerelle.Practice, int, error) {
	var rows []practiceRow
	q := selectPractices(db, &rows)
	sq := search.Parse(f.Query)
	ranked := strings.TrimSpace(f.Query) != "" && !f.OldestFirst && f.AuthorID == 0
	switch {
	case ranked && sq.Empty():
		return []*passerelle.Practice{}, 0, nil
	case ranked:
		q = rankedJoin(f.applyFields(q), db, sq).OrderExpr("s.score, p.published_at DESC, p.id DESC")
	case f.OldestFirst:
		q = f.apply(q).Order("p.submitted_at", "p.id")
	case f.AuthorID != 0:
		q = f.apply(q).OrderExpr("p.updated_at DESC, p.id DESC")
	default:
		q = f.apply(q).OrderExpr("p.published_at DESC, p.id DESC")
	}
	if f.Limit > 0 {
		q = q.Limit(int64(f.Limit)).Offset(int64(f.Offset))
	}
	if err := q.Scan(ctx); err != nil {
		return nil, 0, err
	}
	total := len(rows) + f.Offset
	if withTotal && f.Limit > 0 && (len(rows) == f.Limit || (f.Offset > 0 && len(rows) == 0)) {
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

// Facets counts the practices matching f by territory (each territory
// on its own, not with what lies below it), theme, kind, tool format and
// year of publication.
func Facets(ctx context.Context, db bun.IDB, f PracticeFilter) (map[string][]Facet, error) {
	out, _, err := facets(ctx, db, f)
	return out, err
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

// StaleBody is the body of a practice rendered by another version of the
// renderer (or never).
type StaleBody struct {
	ID   int64  `bun:"id"`
	Body string `bun:"body"`
}

// StaleBodies returns up to limit practices after afterID whose body was
// not rendered by version, by id.
func StaleBodies(ctx context.Context, db bun.IDB, version int, afterID int64, limit int) ([]StaleBody, error) {
	var out []StaleBody
	// Through the index of body_renderer, both sides of version: "<>"
	// walks the whole table by id (at 100,000 practices, a second on
	// SQLite's single writing connection, at every start).
	err := db.NewSelect().Model((*practiceRow)(nil)).Column("p.id", "p.body").
		Where("p.id IN (SELECT id FROM practices WHERE body_renderer < ? AND id > ?"+
			" UNION ALL SELECT id FROM practices WHERE body_renderer > ? AND id > ?)", version, afterID, version, afterID).
		OrderExpr("p.id").Limit(int64(limit)).Scan(ctx, &out)
	return out, err
}

// SetBodyHTML stores the rendering of body by version, unless the body
// changed meanwhile (its edit stored its own rendering). It changes
// nothing the public sees of the practice: no trigger fires.
func SetBodyHTML(ctx context.Context, db bun.IDB, id int64, body, html string, version int) error {
	_, err := db.NewUpdate().Model((*practiceRow)(nil)).
		Set("body_html = ?", html).Set("body_renderer = ?", version).
		Where("id = ? AND body = ?", id, body).Exec(ctx)
	return err
}

// SetCover sets (or, with nil, removes) the cover of a practice; it leaves
// its version alone, so that a form being edited meanwhile stays current.
func SetCover(ctx context.Context, db bun.IDB, practiceID int64, c *passerelle.Cover) error {
	value := ""
	if c != nil {
		b, err := json.Marshal(c)
		if err != nil {
			return err
		}
		value = string(b)
	}
	_, err := db.NewUpdate().TableExpr("practices").Set("cover = ?", value).Where("id = ?", practiceID).Exec(ctx)
	return err
}
