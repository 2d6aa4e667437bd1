package jobs

import (
	"context"
	"database/sql"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// NotifyContactArgs asks to deliver a reader's message to the author of a
// practice ("Contacter l'équipe"): an in-app notification holding the
// message and the sender's name, and its e-mail sent by the platform —
// never an address of either side. Unique by message.
type NotifyContactArgs struct {
	MessageID int64 `json:"message_id"`
}

// Kind implements river.JobArgs.
func (NotifyContactArgs) Kind() string { return "notify_contact" }

// InsertOpts makes the job unique by its arguments.
func (NotifyContactArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type notifyContactWorker struct {
	river.WorkerDefaults[NotifyContactArgs]
	deps Deps
}

// Work re-checks the rule at run time (passerelle.MayContact: the sender
// still enabled, the practice still published) and writes the author's
// notification and queues its e-mail in one transaction. A disabled author
// receives nothing; a message gone (with its practice or an account)
// cancels the job.
func (w *notifyContactWorker) Work(ctx context.Context, job *river.Job[NotifyContactArgs]) error {
	db := w.deps.DB
	m, err := store.GetContactMessage(ctx, db.Read, job.Args.MessageID)
	if passerelle.ErrorCode(err) == passerelle.ENotFound {
		return river.JobCancel(err)
	} else if err != nil {
		return err
	}
	p, err := store.GetPractice(ctx, db.Read, m.PracticeID)
	if err != nil {
		return err
	}
	sender, err := store.UserByID(ctx, db.Read, m.SenderID)
	if err != nil {
		return err
	}
	author, err := store.UserByID(ctx, db.Read, p.AuthorID)
	if err != nil {
		return err
	}
	if author.Disabled() || !passerelle.MayContact(sender, p) {
		return nil
	}
	return db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		tr := words(author.Lang)
		msg := tr.T("mail."+passerelle.NotifyContact+".in_app", "title", p.Title, "actor", sender.Name, "message", m.Body)
		if m.ShareAddress {
			// The reader chose to be answered by e-mail.
			msg += " " + tr.T("mail."+passerelle.NotifyContact+".answer", "email", sender.Email)
		}
		n := &passerelle.Notification{UserID: author.ID, Type: passerelle.NotifyContact, PracticeID: p.ID, Message: msg}
		if err := store.InsertContactNotification(ctx, tx, m.ID, n); err != nil {
			return err
		}
		_, err := river.ClientFromContext[*sql.Tx](ctx).InsertTx(ctx, tx.Tx, SendEmailArgs{NotificationID: n.ID}, nil)
		return err
	})
}
