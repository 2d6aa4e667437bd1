package store

import (
	"context"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
)

// OpenUpdate returns the working revision under way of the published
// practice id (passerelle.OpenStatuses), or nil when there is none.
func OpenUpdate(ctx context.Context, db bun.IDB, id int64) (*passerelle.Practice, error) {
	var rows []practiceRow
	if err := selectPractices(db, &rows).Where("p.update_of = ?", id).
		Where("p.status IN (?)", bun.List(statusStrings(passerelle.OpenStatuses))).Limit(1).Scan(ctx); err != nil {
		return nil, err
	}
	if len(rows) == 0 {
		return nil, nil
	}
	out, err := withThemes(ctx, db, rows)
	if err != nil {
		return nil, err
	}
	return out[0], nil
}

// OpenUpdates returns the working revisions under way of the published
// practices ids (passerelle.OpenStatuses), keyed by the practice each
// updates.
func OpenUpdates(ctx context.Context, db bun.IDB, ids []int64) (map[int64]*passerelle.Practice, error) {
	out := map[int64]*passerelle.Practice{}
	if len(ids) == 0 {
		return out, nil
	}
	var rows []practiceRow
	if err := selectPractices(db, &rows).Where("p.update_of IN (?)", bun.List(ids)).
		Where("p.status IN (?)", bun.List(statusStrings(passerelle.OpenStatuses))).Scan(ctx); err != nil {
		return nil, err
	}
	ps, err := withThemes(ctx, db, rows)
	if err != nil {
		return nil, err
	}
	for _, p := range ps {
		out[p.UpdateOf] = p
	}
	return out, nil
}

func statusStrings(in []passerelle.Status) []string {
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = string(s)
	}
	return out
}

// ApplyUpdate writes the content of the working revision w over the
// published practice pub, while pub is still published at version expected:
// its fields, its themes and its revision number (w's), a new version, and
// at as when it was updated, revised and last confirmed current. Its
// publication date stays. It reports false when pub changed meanwhile.
func ApplyUpdate(ctx context.Context, db bun.IDB, pub, w *passerelle.Practice, expected int, at time.Time) (bool, error) {
	r := practiceToRow(w)
	r.ID, r.Version, r.UpdatedAt = pub.ID, expected+1, at
	res, err := db.NewUpdate().Model(r).
		Column("kind", "title", "summary", "body", "body_html", "body_renderer", "experience", "tool", "revision", "updated_at", "version").
		Set("revised_at = ?", at).Set("reviewed_at = ?", at).
		Where("id = ? AND version = ? AND status = ?", pub.ID, expected, string(passerelle.StatusPublished)).
		Exec(ctx)
	if err != nil {
		return false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return false, nil
	}
	if err := updatePracticeThemes(ctx, db, pub.ID, w.Themes); err != nil {
		return false, err
	}
	// The files added by the update join the published sheet's.
	_, err = db.NewUpdate().Model((*attachmentRow)(nil)).Set("practice_id = ?", pub.ID).Where("practice_id = ?", w.ID).Exec(ctx)
	return err == nil, err
}

// MarkFileRemoved records that the working revision updateID removes the
// attachment attachmentID of the practice it updates (taken away when it is
// approved: ApplyRemovals).
func MarkFileRemoved(ctx context.Context, db bun.IDB, updateID, attachmentID int64) error {
	_, err := db.ExecContext(ctx, "INSERT INTO update_removed_files (practice_id, attachment_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
		updateID, attachmentID)
	return err
}

// UnmarkFileRemoved takes back the removal of the attachment attachmentID
// by the working revision updateID.
func UnmarkFileRemoved(ctx context.Context, db bun.IDB, updateID, attachmentID int64) error {
	_, err := db.ExecContext(ctx, "DELETE FROM update_removed_files WHERE practice_id = ? AND attachment_id = ?", updateID, attachmentID)
	return err
}

// RemovedFiles returns the IDs of the published practice's attachments the
// working revision updateID removes.
func RemovedFiles(ctx context.Context, db bun.IDB, updateID int64) (map[int64]bool, error) {
	var ids []int64
	if err := db.NewSelect().TableExpr("update_removed_files").Column("attachment_id").
		Where("practice_id = ?", updateID).Scan(ctx, &ids); err != nil {
		return nil, err
	}
	out := make(map[int64]bool, len(ids))
	for _, id := range ids {
		out[id] = true
	}
	return out, nil
}

// MarkCoverRemoved records that the working revision updateID removes the
// published cover whose key is key (or, with key "", that it no longer
// does).
func MarkCoverRemoved(ctx context.Context, db bun.IDB, updateID int64, key string) error {
	if _, err := db.ExecContext(ctx, "DELETE FROM update_removed_covers WHERE practice_id = ?", updateID); err != nil || key == "" {
		return err
	}
	_, err := db.ExecContext(ctx, "INSERT INTO update_removed_covers (practice_id, cover_key) VALUES (?, ?)", updateID, key)
	return err
}

// RemovedCover returns the key of the published cover the working revision
// updateID removes, or "".
func RemovedCover(ctx context.Context, db bun.IDB, updateID int64) (string, error) {
	var keys []string
	if err := db.NewSelect().TableExpr("update_removed_covers").Column("cover_key").
		Where("practice_id = ?", updateID).Scan(ctx, &keys); err != nil {
		return "", err
	}
	if len(keys) == 0 {
		return "", nil
	}
	return keys[0], nil
}

// DeleteRemovedFiles deletes the attachments of the published practice
// pubID that the approved working revision updateID removes, and returns
// their storage keys (whose files the caller has cleaned up).
func DeleteRemovedFiles(ctx context.Context, tx bun.Tx, pubID, updateID int64) ([]string, error) {
	var keys []string
	removed := tx.NewSelect().TableExpr("update_removed_files").Column("attachment_id").Where("practice_id = ?", updateID)
	if err := tx.NewSelect().Model((*attachmentRow)(nil)).Column("storage_key").
		Where("practice_id = ?", pubID).Where("id IN (?)", removed).Order("id").Scan(ctx, &keys); err != nil {
		return nil, err
	}
	if len(keys) == 0 {
		return nil, nil
	}
	_, err := tx.NewDelete().Model((*attachmentRow)(nil)).
		Where("practice_id = ?", pubID).Where("id IN (?)", removed).Exec(ctx)
	return keys, err
}

// CoverKeyUsed reports whether a practice still shows the cover whose key
// is key.
func CoverKeyUsed(ctx context.Context, db bun.IDB, key string) (bool, error) {
	return db.NewSelect().TableExpr("practices").Where("cover LIKE ?", `%"key":"`+key+`"%`).Exists(ctx)
}
