package store

import (
	"context"
	"path"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
)

type attachmentRow struct {
	bun.BaseModel `bun:"table:attachments,alias:a"`
	ID            int64     `bun:"id,pk,autoincrement"`
	PracticeID    int64     `bun:"practice_id"`
	StorageKey    string    `bun:"storage_key"`
	Name          string    `bun:"name"`
	ContentType   string    `bun:"content_type"`
	Size          int64     `bun:"size"`
	UploadedBy    int64     `bun:"uploaded_by"`
	CreatedAt     time.Time `bun:"created_at"`
}

func (r *attachmentRow) domain() passerelle.Attachment {
	return passerelle.Attachment{ID: r.ID, PracticeID: r.PracticeID, Key: r.StorageKey, Name: r.Name,
		ContentType: r.ContentType, Size: r.Size, UploadedBy: r.UploadedBy, CreatedAt: r.CreatedAt}
}

// InsertAttachment records a stored file and sets its ID.
func InsertAttachment(ctx context.Context, db bun.IDB, a *passerelle.Attachment) error {
	r := &attachmentRow{PracticeID: a.PracticeID, StorageKey: a.Key, Name: a.Name, ContentType: a.ContentType,
		Size: a.Size, UploadedBy: a.UploadedBy, CreatedAt: a.CreatedAt}
	if _, err := db.NewInsert().Model(r).Returning("id").Exec(ctx); err != nil {
		return err
	}
	a.ID = r.ID
	return nil
}

// GetAttachment returns one attachment, or a not_found error.
func GetAttachment(ctx context.Context, db bun.IDB, id int64) (*passerelle.Attachment, error) {
	var r attachmentRow
	if err := db.NewSelect().Model(&r).Where("a.id = ?", id).Scan(ctx); err != nil {
		if IsNotFound(err) {
			return nil, passerelle.Errorf(passerelle.ENotFound, "Attachment not found.")
		}
		return nil, err
	}
	a := r.domain()
	return &a, nil
}

// ListAttachments returns the attachments of a practice in the order they
// were added (never nil).
func ListAttachments(ctx context.Context, db bun.IDB, practiceID int64) ([]passerelle.Attachment, error) {
	var rows []attachmentRow
	if err := db.NewSelect().Model(&rows).Where("a.practice_id = ?", practiceID).Order("a.id").Scan(ctx); err != nil {
		return nil, err
	}
	out := make([]passerelle.Attachment, len(rows))
	for i := range rows {
		out[i] = rows[i].domain()
	}
	return out, nil
}

// CountAttachments returns how many files a practice holds.
func CountAttachments(ctx context.Context, db bun.IDB, practiceID int64) (int, error) {
	n, err := db.NewSelect().Model((*attachmentRow)(nil)).Where("a.practice_id = ?", practiceID).Count(ctx)
	return int(n), err
}

// AttachmentKeyExists reports whether a row still refers to a stored file:
// an attachment, a meeting's file, or for a file of a cover
// ("covers/…/<width>.jpg"), a practice showing that cover.
func AttachmentKeyExists(ctx context.Context, db bun.IDB, key string) (bool, error) {
	if strings.HasPrefix(key, "covers/") {
		return CoverKeyUsed(ctx, db, path.Dir(key))
	}
	if used, err := db.NewSelect().Model((*attachmentRow)(nil)).Where("a.storage_key = ?", key).Exists(ctx); err != nil || used {
		return used, err
	}
	// The files of meetings share the bucket (meeting_news.go).
	return db.NewSelect().Model((*meetingAttachmentRow)(nil)).Where("f.key = ?", key).Exists(ctx)
}

// DeleteAttachment removes the row of an attachment of practiceID; it
// reports false when there was none.
func DeleteAttachment(ctx context.Context, db bun.IDB, practiceID, id int64) (bool, error) {
	res, err := db.NewDelete().Model((*attachmentRow)(nil)).Where("id = ? AND practice_id = ?", id, practiceID).Exec(ctx)
	if err != nil {
		return false, err
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// StorageUsedBy returns how many bytes of attachments an account has
// uploaded, to practices and to meetings.
func StorageUsedBy(ctx context.Context, db bun.IDB, userID int64) (int64, error) {
	var practices, meetings int64
	if err := db.NewSelect().Model((*attachmentRow)(nil)).ColumnExpr("COALESCE(SUM(a.size), 0)").
		Where("a.uploaded_by = ?", userID).Scan(ctx, &practices); err != nil {
		return 0, err
	}
	if err := db.NewSelect().Model((*meetingAttachmentRow)(nil)).ColumnExpr("COALESCE(SUM(f.size), 0)").
		Where("f.uploaded_by = ?", userID).Scan(ctx, &meetings); err != nil {
		return 0, err
	}
	return practices + meetings, nil
}

// LockUser takes the row lock of an account until tx ends (PostgreSQL;
// SQLite's writers are serialised already), so that two uploads of one
// account check its storage quota one after the other.
func LockUser(ctx context.Context, tx bun.Tx, id int64) error {
	if !isPostgres(tx) {
		return nil
	}
	_, err := tx.ExecContext(ctx, "SELECT id FROM users WHERE id = ? FOR UPDATE", id)
	return err
}

// LockPractice takes the row lock of a practice until the transaction ends
// (PostgreSQL; SQLite's single writer already serialises write
// transactions), so that checks made in the transaction — such as the number
// of attachments — hold until it commits.
func LockPractice(ctx context.Context, tx bun.Tx, id int64) error {
	if !isPostgres(tx) {
		return nil
	}
	_, err := tx.ExecContext(ctx, "SELECT id FROM practices WHERE id = ? FOR UPDATE", id)
	return err
}

// DeleteDraft deletes a practice that is still a draft at version, with
// everything that refers to it, and returns the storage keys of its
// attachments (whose files the caller has cleaned up). It reports false when
// the practice changed meanwhile.
func DeleteDraft(ctx context.Context, tx bun.Tx, p *passerelle.Practice) ([]string, bool, error) {
	var keys []string
	if err := tx.NewSelect().Model((*attachmentRow)(nil)).Column("storage_key").
		Where("practice_id = ?", p.ID).Order("id").Scan(ctx, &keys); err != nil {
		return nil, false, err
	}
	res, err := tx.NewDelete().Model((*practiceRow)(nil)).
		Where("id = ? AND status = ? AND version = ?", p.ID, string(passerelle.StatusDraft), p.Version).Exec(ctx)
	if err != nil {
		return nil, false, err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil, false, nil
	}
	return keys, true, nil
}
