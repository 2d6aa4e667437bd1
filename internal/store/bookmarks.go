package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
)

type bookmarkRow struct {
	bun.BaseModel `bun:"table:bookmarks,alias:b"`
	UserID        int64     `bun:"user_id,pk"`
	PracticeID    int64     `bun:"practice_id,pk"`
	Note          string    `bun:"note"`
	CreatedAt     time.Time `bun:"created_at"`
	UpdatedAt     time.Time `bun:"updated_at"`
}

func (r *bookmarkRow) domain() passerelle.Bookmark {
	return passerelle.Bookmark{UserID: r.UserID, PracticeID: r.PracticeID, Note: r.Note, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
}

// SaveBookmark keeps a practice in a user's bookmarks with its note, or
// changes the note of one kept already.
func SaveBookmark(ctx context.Context, db bun.IDB, b *passerelle.Bookmark) error {
	r := &bookmarkRow{UserID: b.UserID, PracticeID: b.PracticeID, Note: b.Note, CreatedAt: b.CreatedAt, UpdatedAt: b.UpdatedAt}
	_, err := db.NewInsert().Model(r).On("CONFLICT (user_id, practice_id) DO UPDATE").
		Set("note = EXCLUDED.note").Set("updated_at = EXCLUDED.updated_at").Exec(ctx)
	return err
}

// DeleteBookmark removes a practice from a user's bookmarks; removing one
// not kept does nothing.
func DeleteBookmark(ctx context.Context, db bun.IDB, userID, practiceID int64) error {
	_, err := db.NewDelete().Model((*bookmarkRow)(nil)).Where("user_id = ? AND practice_id = ?", userID, practiceID).Exec(ctx)
	return err
}

// GetBookmark returns a user's bookmark of a practice, or nil.
func GetBookmark(ctx context.Context, db bun.IDB, userID, practiceID int64) (*passerelle.Bookmark, error) {
	var rows []bookmarkRow
	if err := db.NewSelect().Model(&rows).Where("user_id = ? AND practice_id = ?", userID, practiceID).Scan(ctx); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, nil
	}
	b := rows[0].domain()
	return &b, nil
}

// ListBookmarks returns a user's bookmarks, latest first, at most limit.
func ListBookmarks(ctx context.Context, db bun.IDB, userID int64, limit int) ([]passerelle.Bookmark, error) {
	var rows []bookmarkRow
	if err := db.NewSelect().Model(&rows).Where("user_id = ?", userID).OrderExpr("updated_at DESC, practice_id DESC").
		Limit(int64(limit)).Scan(ctx); err != nil {
		return nil, err
	}
	out := make([]passerelle.Bookmark, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}
