package service

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gabriel-vasile/mimetype"
	"github.com/riverqueue/river"
	"github.com/uptrace/bun"
	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"

	"github.com/passerelle/passerelle/internal/jobs"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// sniffLen is how much of a file is read to decide its type: enough for
// the zip entries that tell an office document from a plain archive.
const sniffLen = 64 << 10

func init() { mimetype.SetLimit(sniffLen) }

// maxAttachmentSize returns the configured size limit of one file.
func (s *Service) maxAttachmentSize() int64 {
	if s.MaxAttachmentSize > 0 {
		return s.MaxAttachmentSize
	}
	return passerelle.DefaultMaxAttachmentSize
}

// AttachmentSizeLimit returns the size limit of one attachment, in bytes,
// for the pages to tell.
func (s *Service) AttachmentSizeLimit() int64 { return s.maxAttachmentSize() }

// attachmentQuota returns how many bytes of attachments one account may
// store.
func (s *Service) attachmentQuota() int64 {
	if s.AttachmentQuota > 0 {
		return s.AttachmentQuota
	}
	return passerelle.DefaultAttachmentQuota
}

// StorageQuota returns the storage quota of an account, in bytes, for
// the pages to tell.
func (s *Service) StorageQuota() int64 { return s.attachmentQuota() }

// uploadRoom returns how many bytes the next file of actor may hold: the
// size limit of one file, or what is left of the account's quota when that
// is less (quotaBound). Errors: too_large (the quota is used up).
func (s *Service) uploadRoom(ctx context.Context, actor Actor) (limit int64, quotaBound bool, err error) {
	used, err := store.StorageUsedBy(ctx, s.DB.Read, actor.ID)
	if err != nil {
		return 0, false, err
	}
	left := s.attachmentQuota() - used
	if left <= 0 {
		return 0, true, passerelle.QuotaExceeded(s.attachmentQuota())
	}
	if limit = s.maxAttachmentSize(); left < limit {
		return left, true, nil
	}
	return limit, false, nil
}

// checkQuota counts the account's storage again inside the transaction
// that records a file of size bytes, its row locked: two uploads at once
// cannot both slip under the quota.
func (s *Service) checkQuota(ctx context.Context, tx bun.Tx, userID, size int64) error {
	if err := store.LockUser(ctx, tx, userID); err != nil {
		return err
	}
	used, err := store.StorageUsedBy(ctx, tx, userID)
	if err != nil {
		return err
	}
	if used+size > s.attachmentQuota() {
		return passerelle.QuotaExceeded(s.attachmentQuota())
	}
	return nil
}

// quotaError turns the too_large of a file cut at the end of the account's
// quota into the quota's own error.
func (s *Service) quotaError(err error, quotaBound bool) error {
	if quotaBound && passerelle.ErrorCode(err) == passerelle.ETooLarge {
		return passerelle.QuotaExceeded(s.attachmentQuota())
	}
	return err
}

// Attachments returns the files attached to a practice actor may see.
// Errors: not_found.
func (s *Service) Attachments(ctx context.Context, actor Actor, practiceID int64) ([]passerelle.Attachment, error) {
	if _, _, err := s.load(ctx, s.DB.Read, actor, practiceID); err != nil {
		return nil, err
	}
	return store.ListAttachments(ctx, s.DB.Read, practiceID)
}

func newStorageKey(practiceID int64) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return "practices/" + strconv.FormatInt(practiceID, 10) + "/" + hex.EncodeToString(b)
}

// readError maps an error reading an upload: a body over the server's limit
// is too_large, anything else a request that could not be read.
func readError(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return passerelle.Errorf(passerelle.ETooLarge, "The file is too large.")
	}
	return passerelle.Errorf(passerelle.EInvalid, "Could not read the file.")
}

// AddAttachment stores a file sent by the author of an editable practice,
// read from content as it arrives (never whole in memory). Its type is
// decided from its first bytes — the name and the declared type are ignored
// — and must be one of passerelle.AttachmentTypes; name is kept, cleaned,
// for display. Errors: unauthenticated, not_found, forbidden (not the
// author), conflict (not editable, or already passerelle.MaxAttachments
// files), validation_failed (empty file), unsupported_media_type,
// too_large (over the configured size, or over the account's storage quota
// with fields {"file":"quota"}; nothing is kept).
func (s *Service) AddAttachment(ctx context.Context, actor Actor, practiceID int64, name string, content io.Reader) (*passerelle.Attachment, error) {
	p, snap, err := s.loadFor(ctx, actor, practiceID, passerelle.ActionAttach)
	if err != nil {
		return nil, err
	}
	if n, err := s.fileCount(ctx, s.DB.Read, p); err != nil {
		return nil, err
	} else if n >= passerelle.MaxAttachments {
		return nil, tooManyAttachments()
	}
	limit, quotaBound, err := s.uploadRoom(ctx, actor)
	if err != nil {
		return nil, err
	}

	head := make([]byte, sniffLen)
	n, err := io.ReadFull(content, head)
	switch {
	case errors.Is(err, io.EOF):
		return nil, &passerelle.Error{Code: passerelle.EValidation, Message: "The file is empty.",
			Fields: map[string]string{"file": passerelle.FieldRequired}}
	case err != nil && !errors.Is(err, io.ErrUnexpectedEOF):
		return nil, readError(err)
	}
	head = head[:n]
	detected := mimetype.Detect(head)
	base, _, _ := strings.Cut(detected.String(), ";")
	if _, ok := passerelle.AttachmentTypes[base]; !ok {
		return nil, passerelle.Errorf(passerelle.EUnsupported,
			"This type of file (%s) is not accepted: send a PDF, a PNG, JPEG or WebP picture, an OpenDocument or Office document, or plain text.", base)
	}
	if int64(n) > limit {
		return nil, s.quotaError(passerelle.Errorf(passerelle.ETooLarge, "The file is larger than %d bytes.", limit), quotaBound)
	}

	key := newStorageKey(p.ID)
	// Should this process die between the file and its row, the guard
	// deletes the file later (it leaves any file a row refers to).
	if _, err := s.River.Insert(ctx, jobs.AttachmentCleanupArgs{Key: key},
		&river.InsertOpts{ScheduledAt: time.Now().Add(jobs.UploadGuardDelay)}); err != nil {
		return nil, err
	}
	size, err := s.writeFile(ctx, key, detected.String(), io.MultiReader(bytes.NewReader(head), content), limit)
	if err != nil {
		return nil, s.quotaError(err, quotaBound)
	}
	a := &passerelle.Attachment{PracticeID: p.ID, Key: key, Name: passerelle.AttachmentName(name, base),
		ContentType: detected.String(), Size: size, UploadedBy: actor.ID, CreatedAt: store.Now()}
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := store.LockPractice(ctx, tx, p.ID); err != nil {
			return err
		}
		cur, err := store.GetPractice(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		if _, err := checkActivity(snap, actor, cur, passerelle.ActionAttach); err != nil {
			return err
		}
		if n, err := s.fileCount(ctx, tx, cur); err != nil {
			return err
		} else if n >= passerelle.MaxAttachments {
			return tooManyAttachments()
		}
		if err := s.checkQuota(ctx, tx, actor.ID, size); err != nil {
			return err
		}
		return store.InsertAttachment(ctx, tx, a)
	})
	if err != nil {
		s.deleteFile(key)
		return nil, err
	}
	return a, nil
}

func tooManyAttachments() error {
	return &passerelle.Error{Code: passerelle.EConflict,
		Message: "A practice holds at most " + strconv.Itoa(passerelle.MaxAttachments) + " attachments; remove one first.",
		Fields:  map[string]string{"file": "too_many"}}
}

// writeFile streams r to the bucket under key, counting: past limit bytes
// it stops, drops what was written and answers too_large. It returns the
// size written.
func (s *Service) writeFile(ctx context.Context, key, contentType string, r io.Reader, limit int64) (int64, error) {
	wctx, cancel := context.WithCancel(ctx)
	defer cancel()
	w, err := s.Files.NewWriter(wctx, key, &blob.WriterOptions{ContentType: contentType})
	if err != nil {
		return 0, err
	}
	n, err := io.Copy(w, io.LimitReader(r, limit+1))
	if err == nil && n > limit {
		err = passerelle.Errorf(passerelle.ETooLarge, "The file is larger than %d bytes.", limit)
	} else if err != nil {
		err = readError(err)
	}
	if err != nil {
		cancel() // aborts the write: nothing is committed to the bucket
		_ = w.Close()
		s.deleteFile(key)
		return 0, err
	}
	if err := w.Close(); err != nil {
		s.deleteFile(key)
		return 0, err
	}
	return n, nil
}

// deleteFile removes a file that no row refers to, at once; should that
// fail, the upload's guard job removes it later.
func (s *Service) deleteFile(key string) {
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Files.Delete(ctx, key); err != nil && gcerrors.Code(err) != gcerrors.NotFound && s.Logger != nil {
		s.Logger.Warn("delete attachment file; the cleanup job will retry", "key", key, "err", err)
	}
}

// OpenAttachment returns an attachment of a practice actor may see and a
// reader of its content, which the caller closes. Errors: not_found (also
// when actor may not see the practice).
func (s *Service) OpenAttachment(ctx context.Context, actor Actor, id int64) (*passerelle.Attachment, *blob.Reader, error) {
	a, err := store.GetAttachment(ctx, s.DB.Read, id)
	if err != nil {
		return nil, nil, err
	}
	if _, _, err := s.load(ctx, s.DB.Read, actor, a.PracticeID); err != nil {
		return nil, nil, passerelle.Errorf(passerelle.ENotFound, "Attachment not found.")
	}
	r, err := s.Files.NewReader(ctx, a.Key, nil)
	if err != nil {
		if gcerrors.Code(err) == gcerrors.NotFound {
			return nil, nil, passerelle.Errorf(passerelle.ENotFound, "Attachment not found.")
		}
		return nil, nil, err
	}
	return a, r, nil
}

// RemoveAttachment removes an attachment of an editable practice (its
// author); the file is deleted by a job once the removal is committed.
// Errors: unauthenticated, not_found, forbidden, conflict (not editable).
func (s *Service) RemoveAttachment(ctx context.Context, actor Actor, id int64) error {
	if actor == nil {
		return SignInNeeded()
	}
	a, err := store.GetAttachment(ctx, s.DB.Read, id)
	if err != nil {
		return err
	}
	p, snap, err := s.load(ctx, s.DB.Read, actor, a.PracticeID)
	if err != nil {
		return passerelle.Errorf(passerelle.ENotFound, "Attachment not found.")
	}
	if _, err := checkActivity(snap, actor, p, passerelle.ActionAttach); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := store.LockPractice(ctx, tx, p.ID); err != nil {
			return err
		}
		cur, err := store.GetPractice(ctx, tx, p.ID)
		if err != nil {
			return err
		}
		if _, err := checkActivity(snap, actor, cur, passerelle.ActionAttach); err != nil {
			return err
		}
		if ok, err := store.DeleteAttachment(ctx, tx, p.ID, id); err != nil {
			return err
		} else if !ok {
			return passerelle.Errorf(passerelle.ENotFound, "Attachment not found.")
		}
		_, err = s.River.InsertTx(ctx, tx.Tx, jobs.AttachmentCleanupArgs{Key: a.Key}, nil)
		return err
	})
}

// DeleteDraft deletes a draft its author no longer wants, with its
// attachments (their files are deleted by jobs once it is committed).
// Errors: unauthenticated, not_found, forbidden, conflict (not a draft, or
// changed meanwhile).
func (s *Service) DeleteDraft(ctx context.Context, actor Actor, id int64) error {
	p, _, err := s.loadFor(ctx, actor, id, passerelle.ActionDelete)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		keys, ok, err := store.DeleteDraft(ctx, tx, p)
		if err != nil {
			return err
		} else if !ok {
			return passerelle.Errorf(passerelle.EConflict, "Someone else acted on this practice first; reload it.")
		}
		return s.deleteFilesLater(ctx, tx, keys, p.Cover)
	})
}

// deleteFilesLater has the files of keys, and those of cover when not nil
// (no attachment row refers to them), deleted from the bucket by jobs once
// tx commits (jobs.AttachmentCleanupArgs, which leave a file still
// referred to).
func (s *Service) deleteFilesLater(ctx context.Context, tx bun.Tx, keys []string, cover *passerelle.Cover) error {
	if cover != nil {
		for _, w := range passerelle.CoverWidths {
			keys = append(keys, coverFile(cover, w))
		}
	}
	if len(keys) == 0 {
		return nil
	}
	params := make([]river.InsertManyParams, len(keys))
	for i, k := range keys {
		params[i] = river.InsertManyParams{Args: jobs.AttachmentCleanupArgs{Key: k}}
	}
	_, err := s.River.InsertManyTx(ctx, tx.Tx, params)
	return err
}
