package jobs

import (
	"context"
	"database/sql"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// FanOutArgs asks to tell the instant subscribers about a publication (an
// approve event). Unique by event: a duplicate event queues nothing more.
type FanOutArgs struct {
	EventID int64 `json:"event_id"`
}

// Kind implements river.JobArgs.
func (FanOutArgs) Kind() string { return "fanout_practice" }

// InsertOpts makes the job unique by its arguments.
func (FanOutArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// FanOutBatch is the number of recipients written per transaction: each
// batch commits its notifications and their e-mail jobs together, so a job
// that dies half-way resumes where it stopped.
const FanOutBatch = 1000

type fanOutWorker struct {
	river.WorkerDefaults[FanOutArgs]
	deps Deps
}

// Work computes the recipients now — enabled accounts with a matching instant
// subscription, never the author — writes their practice.new notifications
// and queues their e-mails in batches. A retry skips who already holds the
// notification (unique (event, user)), the e-mail jobs are unique by their
// notifications and each e-mail is recorded once sent (send.go), so
// nothing is ever doubled.
func (w *fanOutWorker) Work(ctx context.Context, job *river.Job[FanOutArgs]) error {
	db := w.deps.DB
	ev, err := store.GetEvent(ctx, db.Read, job.Args.EventID)
	if passerelle.ErrorCode(err) == passerelle.ENotFound {
		return river.JobCancel(err)
	} else if err != nil {
		return err
	}
	p, err := store.GetPractice(ctx, db.Read, ev.PracticeID)
	if passerelle.ErrorCode(err) == passerelle.ENotFound {
		return river.JobCancel(err)
	} else if err != nil {
		return err
	}
	if !p.Published() {
		return nil // archived since: no longer news, and maybe no longer public
	}
	snap, err := w.deps.Authz.Refresh(ctx)
	if err != nil {
		return err
	}
	recipients, err := store.InstantSubscribers(ctx, db.Read, p, snap.Tree().Chain(p.TerritoryCode), p.AuthorID)
	if err != nil {
		return err
	}
	client := river.ClientFromContext[*sql.Tx](ctx)
	for start := 0; start < len(recipients); start += FanOutBatch {
		batch := recipients[start:min(start+FanOutBatch, len(recipients))]
		err := db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			ns := make([]passerelle.Notification, len(batch))
			for i, r := range batch {
				ns[i] = passerelle.Notification{UserID: r.UserID, Type: passerelle.NotifyNew, PracticeID: p.ID, EventID: ev.ID,
					Message: InAppMessage(r.Lang, passerelle.NotifyNew, p.Title, ev.ActorName)}
			}
			ids, err := store.InsertNotifications(ctx, tx, ns)
			if err != nil {
				return err
			}
			// Their e-mails go in batches of EmailBatch, each job sending
			// over one SMTP connection.
			var notes []int64
			for _, r := range batch {
				if id, ok := ids[r.UserID]; ok {
					notes = append(notes, id)
				}
			}
			if len(notes) == 0 {
				return nil
			}
			_, err = client.InsertManyTx(ctx, tx.Tx, emailBatches(notes))
			return err
		})
		if err != nil {
			return err
		}
	}
	return nil
}
