package service

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gabriel-vasile/mimetype"
	"github.com/riverqueue/river"
	"github.com/uptrace/bun"
	"gocloud.dev/blob"
	"gocloud.dev/gcerrors"

	"github.com/passerelle/passerelle/internal/jobs"
	"github.com/passerelle/passerelle/internal/markdown"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// PublishRecord publishes (or corrects) the record of a meeting — its
// compte rendu, in Markdown — once it has started (its organisers); the
// meeting is then held. The first publication tells the registrants and
// the followers of its territory and themes. With the audit entry, in one
// transaction. Errors: unauthenticated, not_found, forbidden, conflict (not
// started, cancelled, changed meanwhile), validation_failed (empty or too
// long).
func (s *Service) PublishRecord(ctx context.Context, actor Actor, id int64, record string) (*passerelle.Meeting, error) {
	if actor == nil {
		return nil, SignInNeeded()
	}
	m, snap, err := s.loadMeeting(ctx, s.DB.Read, id)
	if err != nil {
		return nil, err
	}
	t := now()
	if err := checkMeeting(snap, actor, m, passerelle.MeetingRecord, t, nil); err != nil {
		return nil, err
	}
	record = strings.TrimSpace(record)
	switch {
	case record == "":
		return nil, &passerelle.Error{Code: passerelle.EValidation, Message: "Write the record.", Fields: map[string]string{"record": passerelle.FieldRequired}}
	case utf8.RuneCountInString(record) > 100_000:
		return nil, &passerelle.Error{Code: passerelle.EValidation, Message: "The record is too long.", Fields: map[string]string{"record": passerelle.FieldTooLong}}
	case markdown.IsTooComplex(markdown.Check(record)):
		return nil, &passerelle.Error{Code: passerelle.EValidation, Message: "The record's formatting is too complex to lay out.",
			Fields: map[string]string{"record": passerelle.FieldTooComplex}}
	}
	first := !m.RecordPublished()
	m.Record = record
	if first {
		m.RecordPublishedAt = &t
	}
	r := passerelle.MeetingRuleFor(passerelle.MeetingRecord)
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if ok, err := store.MoveMeeting(ctx, tx, m, r.Target(m.Status), r.Sequenced, t); err != nil {
			return err
		} else if !ok {
			return passerelle.Errorf(passerelle.EConflict, "Someone else changed this meeting first; reload it.")
		}
		details := map[string]string{"title": m.Title, "first": strconv.FormatBool(first)}
		if err := audit(ctx, tx, actor, passerelle.AuditAction(passerelle.MeetingRecord), meetingTarget(m.ID), details); err != nil {
			return err
		}
		if !first {
			return nil
		}
		if err := s.notice(ctx, tx, jobs.MeetingNoticeArgs{MeetingID: m.ID, Type: passerelle.NotifyMeetingRecord,
			Ref: "record:" + strconv.FormatInt(m.ID, 10)}); err != nil {
			return err
		}
		return s.announce(ctx, tx, m, passerelle.NewsRecord, actor, t)
	})
	if err != nil {
		return nil, err
	}
	return store.GetMeeting(ctx, s.DB.Bun, id)
}

// MaxMeetingAttachments is the number of files a meeting may hold.
const MaxMeetingAttachments = 20

// MeetingAttachments returns the files of a meeting; they are public, like
// the meeting. Errors: not_found.
func (s *Service) MeetingAttachments(ctx context.Context, meetingID int64) ([]passerelle.Attachment, error) {
	if _, err := store.GetMeeting(ctx, s.DB.Read, meetingID); err != nil {
		return nil, err
	}
	return store.ListMeetingAttachments(ctx, s.DB.Read, meetingID)
}

// AddMeetingAttachment stores a file of a meeting sent by one of its
// organisers, checked like the attachments of practices: its type from its
// content, its size as it streams. Errors: unauthenticated, not_found,
// forbidden, conflict (cancelled, or MaxMeetingAttachments files already),
// validation_failed (empty), unsupported_media_type, too_large.
func (s *Service) AddMeetingAttachment(ctx context.Context, actor Actor, meetingID int64, name string, content io.Reader) (*passerelle.Attachment, error) {
	if actor == nil {
		return nil, SignInNeeded()
	}
	m, snap, err := s.loadMeeting(ctx, s.DB.Read, meetingID)
	if err != nil {
		return nil, err
	}
	if err := checkMeeting(snap, actor, m, passerelle.MeetingAttach, now(), nil); err != nil {
		return nil, err
	}
	if n, err := store.CountMeetingAttachments(ctx, s.DB.Read, meetingID); err != nil {
		return nil, err
	} else if n >= MaxMeetingAttachments {
		return nil, tooManyMeetingFiles()
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
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	key := "meetings/" + strconv.FormatInt(meetingID, 10) + "/" + hex.EncodeToString(b)
	if _, err := s.River.Insert(ctx, jobs.AttachmentCleanupArgs{Key: key},
		&river.InsertOpts{ScheduledAt: time.Now().Add(jobs.UploadGuardDelay)}); err != nil {
		return nil, err
	}
	size, err := s.writeFile(ctx, key, detected.String(), io.MultiReader(bytes.NewReader(head), content), limit)
	if err != nil {
		return nil, s.quotaError(err, quotaBound)
	}
	a := &passerelle.Attachment{MeetingID: meetingID, Key: key, Name: passerelle.AttachmentName(name, base),
		ContentType: detected.String(), Size: size, UploadedBy: actor.ID, CreatedAt: store.Now()}
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := store.LockMeeting(ctx, tx, meetingID); err != nil {
			return err
		}
		if n, err := store.CountMeetingAttachments(ctx, tx, meetingID); err != nil {
			return err
		} else if n >= MaxMeetingAttachments {
			return tooManyMeetingFiles()
		}
		if err := s.checkQuota(ctx, tx, actor.ID, size); err != nil {
			return err
		}
		if err := store.InsertMeetingAttachment(ctx, tx, a); err != nil {
			return err
		}
		return audit(ctx, tx, actor, passerelle.AuditAction(passerelle.MeetingAttach), meetingTarget(meetingID),
			map[string]string{"title": m.Title, "file": a.Name})
	})
	if err != nil {
		s.deleteFile(key)
		return nil, err
	}
	return a, nil
}

func tooManyMeetingFiles() error {
	return &passerelle.Error{Code: passerelle.EConflict,
		Message: "A meeting holds at most " + strconv.Itoa(MaxMeetingAttachments) + " files; remove one first.",
		Fields:  map[string]string{"file": "too_many"}}
}

// OpenMeetingAttachment returns a file of a meeting and a reader of its
// content, which the caller closes. Errors: not_found.
func (s *Service) OpenMeetingAttachment(ctx context.Context, meetingID, id int64) (*passerelle.Attachment, *blob.Reader, error) {
	a, err := store.GetMeetingAttachment(ctx, s.DB.Read, meetingID, id)
	if err != nil {
		return nil, nil, err
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

// RemoveMeetingAttachment removes a file of a meeting (its organisers);
// the file itself is deleted by a job once the removal is committed.
// Errors: unauthenticated, not_found, forbidden, conflict.
func (s *Service) RemoveMeetingAttachment(ctx context.Context, actor Actor, meetingID, id int64) error {
	m, snap, err := s.loadMeeting(ctx, s.DB.Read, meetingID)
	if err != nil {
		return err
	}
	if err := checkMeeting(snap, actor, m, passerelle.MeetingAttach, now(), nil); err != nil {
		return err
	}
	a, err := store.GetMeetingAttachment(ctx, s.DB.Read, meetingID, id)
	if err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if ok, err := store.DeleteMeetingAttachment(ctx, tx, meetingID, id); err != nil {
			return err
		} else if !ok {
			return passerelle.Errorf(passerelle.ENotFound, "Attachment not found.")
		}
		if err := audit(ctx, tx, actor, passerelle.AuditAction(passerelle.MeetingAttach), meetingTarget(meetingID),
			map[string]string{"title": m.Title, "removed": a.Name}); err != nil {
			return err
		}
		_, err := s.River.InsertTx(ctx, tx.Tx, jobs.AttachmentCleanupArgs{Key: a.Key}, nil)
		return err
	})
}
