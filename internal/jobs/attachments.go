package jobs

import (
	"context"
	"errors"
	"time"

	"github.com/riverqueue/river"
	"gocloud.dev/gcerrors"

	"github.com/passerelle/passerelle/internal/store"
)

// AttachmentCleanupArgs asks to delete the stored file of an attachment
// whose row is gone (the attachment was removed, or its draft deleted). It is
// inserted in the transaction that deletes the row, so a rolled-back removal
// deletes nothing. It is also queued, delayed, before every upload: should
// the upload never be recorded (a crash between the file and its row), the
// file is deleted then. The job deletes nothing while a row still refers to
// the file (store.AttachmentKeyExists: for the files of a cover, a practice
// still showing it).
type AttachmentCleanupArgs struct {
	Key string `json:"key"`
}

// Kind implements river.JobArgs.
func (AttachmentCleanupArgs) Kind() string { return "attachment_cleanup" }

// UploadGuardDelay is how long after an upload starts its guard cleanup
// runs: far longer than any upload takes.
const UploadGuardDelay = 6 * time.Hour

type attachmentCleanupWorker struct {
	river.WorkerDefaults[AttachmentCleanupArgs]
	deps Deps
}

// Work deletes the file unless an attachment still refers to it. A file
// already gone is fine; a bucket error is retried.
func (w *attachmentCleanupWorker) Work(ctx context.Context, job *river.Job[AttachmentCleanupArgs]) error {
	if w.deps.Files == nil {
		return errors.New("no attachments bucket configured")
	}
	used, err := store.AttachmentKeyExists(ctx, w.deps.DB.Bun, job.Args.Key)
	if err != nil || used {
		return err
	}
	if err := w.deps.Files.Delete(ctx, job.Args.Key); err != nil && gcerrors.Code(err) != gcerrors.NotFound {
		return err
	}
	return nil
}
