package jobs

import (
	"context"
	"database/sql"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// NotifyReuseArgs asks to tell the author of a practice that it was reused
// in another territory (passerelle.NotifyReused): an in-app notification
// and its e-mail, which the send_email job sends with the note. Unique by
// reuse.
type NotifyReuseArgs struct {
	ReuseID int64 `json:"reuse_id"`
}

// Kind implements river.JobArgs.
func (NotifyReuseArgs) Kind() string { return "notify_reuse" }

// InsertOpts makes the job unique by its arguments.
func (NotifyReuseArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// reuseMessage is the in-app message of a reuse in lang.
func reuseMessage(lang, title, actor, territory string) string {
	return words(lang).T("mail."+passerelle.NotifyReused+".in_app", "title", title, "actor", actor, "territory", territory)
}

type notifyReuseWorker struct {
	river.WorkerDefaults[NotifyReuseArgs]
	deps Deps
}

// Work writes the author's notification and queues its e-mail in one
// transaction. Nobody is told when the author recorded the reuse
// themselves, or can no longer sign in; a reuse deleted since (with its
// practice) cancels the job.
func (w *notifyReuseWorker) Work(ctx context.Context, job *river.Job[NotifyReuseArgs]) error {
	db := w.deps.DB
	re, err := store.GetReuse(ctx, db.Read, job.Args.ReuseID)
	if passerelle.ErrorCode(err) == passerelle.ENotFound {
		return river.JobCancel(err)
	} else if err != nil {
		return err
	}
	p, err := store.GetPractice(ctx, db.Read, re.PracticeID)
	if err != nil {
		return err
	}
	if p.AuthorID == re.UserID {
		return nil
	}
	author, err := store.UserByID(ctx, db.Read, p.AuthorID)
	if err != nil {
		return err
	}
	if author.Disabled() {
		return nil
	}
	snap, err := w.deps.Authz.Refresh(ctx)
	if err != nil {
		return err
	}
	territory := re.TerritoryCode
	if t := snap.Tree().Get(re.TerritoryCode); t != nil {
		territory = t.Name
	}
	return db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		n := &passerelle.Notification{UserID: author.ID, Type: passerelle.NotifyReused, PracticeID: p.ID, EventID: re.EventID,
			Message: reuseMessage(author.Lang, p.Title, re.UserName, territory)}
		if _, err := store.InsertNotification(ctx, tx, n); err != nil {
			return err
		}
		_, err := river.ClientFromContext[*sql.Tx](ctx).InsertTx(ctx, tx.Tx, SendEmailArgs{NotificationID: n.ID}, nil)
		return err
	})
}
