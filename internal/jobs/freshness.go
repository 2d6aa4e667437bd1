package jobs

import (
	"context"
	"database/sql"
	"slices"
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
// (hourly) goes on. They are asked freshnessChunk to a transaction: each
// transaction changes what the public sees (the sheets read "à
// actualiser"), so one per practice would empty the shared page cache
// hundreds of times in a row on a large catalogue's first run.
const (
	freshnessBatch = 500
	freshnessChunk = 50
)

// Timeout gives a run room for its batch on a busy machine (River's
// default is a minute); a run cut short loses nothing, the next goes on.
func (w *freshnessWorker) Timeout(*river.Job[FreshnessArgs]) time.Duration { return 10 * time.Minute }

// AskForReviews asks the author of each published practice last known
// current more than period before now, and not asked since, to confirm it
// is still current or to update it: the practice is marked asked (so that
// it reads "à actualiser" until confirmed), its history records the
// request, and the author gets an in-app notification and its e-mail (a
// disabled author none; the sheet is still marked and listed on the
// moderators' desk) — all of a practice in the same transaction, a few
// dozen practices to one. Once per period, never twice: the mark is set
// only while the practice is still due. It returns how many practices were
// marked.
func AskForReviews(ctx context.Context, deps Deps, client *river.Client[*sql.Tx], period passerelle.Period, now time.Time) (int, error) {
	db := deps.DB
	now = now.UTC().Truncate(time.Microsecond)
	cutoff := period.Before(now)
	ids, err := store.DueForReview(ctx, db.Read, cutoff, freshnessBatch)
	if err != nil {
		return 0, err
	}
	asked := 0
	for chunk := range slices.Chunk(ids, freshnessChunk) {
		n := 0
		err := db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			n = 0
			for _, id := range chunk {
				ok, err := askForReview(ctx, tx, client, id, cutoff, now)
				if err != nil {
					return err
				}
				if ok {
					n++
				}
			}
			return nil
		})
		if err != nil {
			return asked, err
		}
		asked += n
	}
	return asked, nil
}

// askForReview asks the author of practice id, in tx, if it is still due;
// it reports whether it was.
func askForReview(ctx context.Context, tx bun.Tx, client *river.Client[*sql.Tx], id int64, cutoff, now time.Time) (bool, error) {
	p, err := store.GetPractice(ctx, tx, id)
	if passerelle.ErrorCode(err) == passerelle.ENotFound {
		return false, nil
	} else if err != nil {
		return false, err
	}
	author, err := store.UserByID(ctx, tx, p.AuthorID)
	if err != nil {
		return false, err
	}
	ok, err := store.AskReview(ctx, tx, id, cutoff, now)
	if err != nil || !ok {
		return false, err
	}
	ev := &passerelle.Event{PracticeID: id, At: now, ActorID: author.ID, Action: passerelle.ActionAskReview,
		From: p.Status, To: p.Status}
	if err := store.InsertEvent(ctx, tx, ev); err != nil {
		return false, err
	}
	if author.Disabled() {
		return true, nil
	}
	n := &passerelle.Notification{UserID: author.ID, Type: passerelle.NotifyReviewDue, PracticeID: id, EventID: ev.ID,
		Message: InAppMessage(author.Lang, passerelle.NotifyReviewDue, p.Title, "")}
	if _, err := store.InsertNotification(ctx, tx, n); err != nil {
		return false, err
	}
	_, err = client.InsertTx(ctx, tx.Tx, SendEmailArgs{NotificationID: n.ID}, nil)
	return true, err
}

// freshnessJob schedules AskForReviews every hour, and at start.
func freshnessJob() *river.PeriodicJob {
	return river.NewPeriodicJob(river.PeriodicInterval(time.Hour), func() (river.JobArgs, *river.InsertOpts) {
		return FreshnessArgs{}, nil
	}, &river.PeriodicJobOpts{ID: "review_freshness", RunOnStart: true})
}
