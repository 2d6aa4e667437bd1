package jobs

import (
	"context"
	"database/sql"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// FreshnessArgs asks to look for published practices not confirmed current
// for a period, and to ask their authors (passerelle/freshness.go).
type FreshnessArgs struct{}

// Kind implements river.JobArgs.
func (FreshnessArgs) Kind() string { return "review_freshness" }

type freshnessWorker struct {
	river.WorkerDefaults[FreshnessArgs]
	deps   Deps
	period passerelle.Period
}

// Work asks the authors whose practices are due (see AskForReviews).
func (w *freshnessWorker) Work(ctx context.Context, _ *river.Job[FreshnessArgs]) error {
	_, err := AskForReviews(ctx, w.deps, river.ClientFromContext[*sql.Tx](ctx), w.period, time.Now())
	return err
}

// freshnessBatch is how many practices one run asks about; the next run
// (hourly) goes on.
const freshnessBatch = 500

// AskForReviews asks the author of each published practice last known
// current more than period before now, and not asked since, to confirm it
// is still current or to update it: in one transaction per practice, the
// practice is marked asked (so that it reads "à actualiser" until
// confirmed), its history records the request, and the author gets an
// in-app notification and its e-mail (a disabled author none; the sheet is
// still marked and listed on the moderators' desk). Once per period, never
// twice: the mark is set only while the practice is still due. It returns
// how many practices were marked.
func AskForReviews(ctx context.Context, deps Deps, client *river.Client[*sql.Tx], period passerelle.Period, now time.Time) (int, error) {
	db := deps.DB
	now = now.UTC().Truncate(time.Microsecond)
	cutoff := period.Before(now)
	ids, err := store.DueForReview(ctx, db.Read, cutoff, freshnessBatch)
	if err != nil {
		return 0, err
	}
	asked := 0
	for _, id := range ids {
		p, err := store.GetPractice(ctx, db.Read, id)
		if passerelle.ErrorCode(err) == passerelle.ENotFound {
			continue
		} else if err != nil {
			return asked, err
		}
		author, err := store.UserByID(ctx, db.Read, p.AuthorID)
		if err != nil {
			return asked, err
		}
		err = db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			ok, err := store.AskReview(ctx, tx, id, cutoff, now)
			if err != nil || !ok {
				return err
			}
			asked++
			ev := &passerelle.Event{PracticeID: id, At: now, ActorID: author.ID, Action: passerelle.ActionAskReview,
				From: p.Status, To: p.Status}
			if err := store.InsertEvent(ctx, tx, ev); err != nil {
				return err
			}
			if author.Disabled() {
				return nil
			}
			n := &passerelle.Notification{UserID: author.ID, Type: passerelle.NotifyReviewDue, PracticeID: id, EventID: ev.ID,
				Message: InAppMessage(author.Lang, passerelle.NotifyReviewDue, p.Title, "")}
			if _, err := store.InsertNotification(ctx, tx, n); err != nil {
				return err
			}
			_, err = client.InsertTx(ctx, tx.Tx, SendEmailArgs{NotificationID: n.ID}, nil)
			return err
		})
		if err != nil {
			return asked, err
		}
	}
	return asked, nil
}

// freshnessJob schedules AskForReviews every hour, and at start.
func freshnessJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Hour), func() (river.JobArgs, *river.InsertOpts) {
		return FreshnessArgs{}, nil
	}, &river.PeriodicJobOpts{ID: "review_freshness", RunOnStart: true})
}
