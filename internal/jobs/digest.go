package jobs

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"
	_ "time/tzdata" // Europe/Paris without the system's zone database

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// Paris is the time zone of the digest schedule.
var Paris = func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		panic(err)
	}
	return loc
}()

// DigestArgs asks to build the digests of one frequency. Slot names the
// scheduled run (or a manual one), so that one run is queued at most once.
type DigestArgs struct {
	Frequency string `json:"frequency"`
	Slot      string `json:"slot"`
}

// Kind implements river.JobArgs.
func (DigestArgs) Kind() string { return "digest" }

// InsertOpts makes the job unique by its arguments.
func (DigestArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// SendDigestArgs asks to send one digest e-mail.
type SendDigestArgs struct {
	DigestID int64 `json:"digest_id"`
}

// Kind implements river.JobArgs.
func (SendDigestArgs) Kind() string { return "send_digest" }

// InsertOpts puts the job in the mail queue, unique by its arguments.
func (SendDigestArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueMail, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// parisSchedule fires at Hour:00 Paris time every day, or only on Weekday
// when Weekly.
type parisSchedule struct {
	Hour    int
	Weekday time.Weekday
	Weekly  bool
}

// Next implements river.PeriodicSchedule.
func (s parisSchedule) Next(current time.Time) time.Time {
	t := current.In(Paris)
	next := time.Date(t.Year(), t.Month(), t.Day(), s.Hour, 0, 0, 0, Paris)
	for !next.After(current) || (s.Weekly && next.Weekday() != s.Weekday) {
		next = time.Date(next.Year(), next.Month(), next.Day()+1, s.Hour, 0, 0, 0, Paris)
	}
	return next
}

type digestWorker struct {
	river.WorkerDefaults[DigestArgs]
	deps Deps
}

// Work builds the digests of the frequency (see RunDigest).
func (w *digestWorker) Work(ctx context.Context, job *river.Job[DigestArgs]) error {
	f := passerelle.Frequency(job.Args.Frequency)
	if f != passerelle.FrequencyDaily && f != passerelle.FrequencyWeekly {
		return river.JobCancel(fmt.Errorf("bad digest frequency %q", f))
	}
	_, err := RunDigest(ctx, w.deps, river.ClientFromContext[*sql.Tx](ctx), f)
	return err
}

// errRaced rolls back a digest that another run already sent.
var errRaced = errors.New("digest already sent by another run")

// RunDigest builds one digest per subscriber of frequency f listing the
// published practices matching their subscriptions since their last digest,
// and queues its e-mail. In the same transaction it moves the watermark of
// that subscriber's subscriptions, so an item is never listed twice, even by
// two runs at once. Nothing is sent when the list is empty. It returns the
// ids of the digests queued.
func RunDigest(ctx context.Context, deps Deps, client *river.Client[*sql.Tx], f passerelle.Frequency) ([]int64, error) {
	db := deps.DB
	upto, err := store.MaxEventID(ctx, db.Bun)
	if err != nil {
		return nil, err
	}
	newsUpto, err := store.MaxMeetingNewsID(ctx, db.Bun)
	if err != nil {
		return nil, err
	}
	// Entries at or below upto (and news at or below newsUpto) may still
	// be committing; wait for them, or moving the watermark would skip
	// them for good.
	if err := store.SettleBefore(ctx, db); err != nil {
		return nil, err
	}
	subs, err := store.DigestSubscriptions(ctx, db.Read, f)
	if err != nil || len(subs) == 0 {
		return nil, err
	}
	from := upto
	for _, s := range subs {
		from = min(from, s.DigestEventID)
	}
	pubs, err := store.PublicationsBetween(ctx, db.Read, from, upto)
	if err != nil {
		return nil, err
	}
	snap, err := deps.Authz.Refresh(ctx)
	if err != nil {
		return nil, err
	}
	chains := map[string][]string{}
	for _, pub := range pubs {
		if _, ok := chains[pub.Practice.TerritoryCode]; !ok {
			chains[pub.Practice.TerritoryCode] = snap.Tree().Chain(pub.Practice.TerritoryCode)
		}
	}
	md, err := meetingNewsFor(ctx, db, subs, newsUpto)
	if err != nil {
		return nil, err
	}
	for _, m := range md.meetings {
		if _, ok := chains[m.TerritoryCode]; !ok {
			chains[m.TerritoryCode] = snap.Tree().Chain(m.TerritoryCode)
		}
	}
	var queued []int64
	for start := 0; start < len(subs); {
		end := start
		for end < len(subs) && subs[end].UserID == subs[start].UserID {
			end++
		}
		id, err := digestFor(ctx, db, client, f, subs[start:end], pubs, chains, upto, md)
		if err != nil {
			return queued, err
		}
		if id > 0 {
			queued = append(queued, id)
		}
		start = end
	}
	return queued, nil
}

// digestFor handles the subscriptions of one user.
func digestFor(ctx context.Context, db *store.DB, client *river.Client[*sql.Tx], f passerelle.Frequency,
	subs []store.DigestSubscription, pubs []store.Publication, chains map[string][]string, upto int64, md *meetingDigest) (int64, error) {
	userID := subs[0].UserID
	var subIDs, items []int64
	seen := map[int64]bool{}
	for _, s := range subs {
		if s.DigestEventID >= upto {
			continue
		}
		subIDs = append(subIDs, s.ID)
		for _, pub := range pubs {
			p := pub.Practice
			if pub.EventID > s.DigestEventID && !seen[p.ID] && p.AuthorID != userID && s.Matches(p, chains[p.TerritoryCode]) {
				seen[p.ID] = true
				items = append(items, p.ID)
			}
		}
	}
	newsSubs, newsItems := md.itemsFor(userID, subs, chains)
	if len(items) == 0 && len(newsItems) == 0 {
		return 0, nil // nothing new: the watermarks may stay where they are
	}
	prefs, err := store.EmailPreferences(ctx, db.Read, userID)
	if err != nil {
		return 0, err
	}
	var digestID int64
	err = db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if len(items) > 0 {
			ok, err := store.AdvanceDigest(ctx, tx, subIDs, upto)
			if err != nil {
				return err
			} else if !ok {
				return errRaced
			}
		}
		if len(newsItems) > 0 {
			ok, err := store.AdvanceMeetingDigest(ctx, tx, newsSubs, md.upto)
			if err != nil {
				return err
			} else if !ok {
				return errRaced
			}
		}
		if !prefs.Wants(passerelle.EmailDigests) {
			return nil // digests turned off: skip these items for good
		}
		var err error
		if digestID, err = store.InsertDigest(ctx, tx, userID, f, items); err != nil {
			return err
		}
		if len(newsItems) > 0 {
			if err := store.SetDigestMeetings(ctx, tx, digestID, newsItems); err != nil {
				return err
			}
		}
		_, err = client.InsertTx(ctx, tx.Tx, SendDigestArgs{DigestID: digestID}, nil)
		return err
	})
	if errors.Is(err, errRaced) {
		return 0, nil
	}
	return digestID, err
}

type sendDigestWorker struct {
	river.WorkerDefaults[SendDigestArgs]
	deps Deps
}

// Work sends one digest e-mail, listing those of its practices still
// published; an error (SMTP down) makes River retry it with backoff.
func (w *sendDigestWorker) Work(ctx context.Context, job *river.Job[SendDigestArgs]) error {
	db := w.deps.DB
	d, err := store.GetDigest(ctx, db.Read, job.Args.DigestID)
	if passerelle.ErrorCode(err) == passerelle.ENotFound {
		return river.JobCancel(err)
	} else if err != nil {
		return err
	}
	u, err := store.UserByID(ctx, db.Read, d.UserID)
	if err != nil {
		return err
	}
	prefs, err := store.EmailPreferences(ctx, db.Read, u.ID)
	if err != nil {
		return err
	}
	if u.Disabled() || !prefs.Wants(passerelle.EmailDigests) {
		return nil
	}
	ps, err := store.PracticesByID(ctx, db.Read, d.PracticeIDs)
	if err != nil {
		return err
	}
	meetingItems, err := w.deps.digestMeetings(ctx, d.ID, u.Lang)
	if err != nil || len(ps)+len(meetingItems) == 0 {
		return err
	}
	snap, err := w.deps.Authz.Refresh(ctx)
	if err != nil {
		return err
	}
	tr := words(u.Lang)
	data := emailData{Message: tr.T("mail.digest." + string(d.Frequency)), Subject: tr.T("mail.digest.subject_n", "count", strconv.Itoa(len(ps)))}
	switch {
	case len(ps) == 0:
		data.Message, data.Subject = "", tr.T("mail.digest.subject_meetings")
	case len(ps) == 1:
		data.Subject = tr.T("mail.digest.subject_1")
	}
	data.Meetings = meetingItems
	for _, p := range ps {
		it := emailItem{Title: p.Title, Summary: p.Summary, URL: PracticeURL(w.deps.BaseURL, p.ID), Territory: p.TerritoryCode}
		if t := snap.Tree().Get(p.TerritoryCode); t != nil {
			it.Territory = t.Name
		}
		data.Items = append(data.Items, it)
	}
	m, err := w.deps.render(ctx, "digest", "digest-"+strconv.FormatInt(d.ID, 10), u, passerelle.EmailDigests, data)
	if err != nil {
		return err
	}
	return w.deps.sendOnce(ctx, m)
}

// periodicJobs schedules the digests and the review reminders. Only the
// elected leader among the processes running workers enqueues them.
func periodicJobs(per Periodic) []*river.PeriodicJob {
	digest := func(f passerelle.Frequency) river.PeriodicJobConstructor {
		return func() (river.JobArgs, *river.InsertOpts) {
			return DigestArgs{Frequency: string(f), Slot: time.Now().In(Paris).Format("2006-01-02T15")}, nil
		}
	}
	return []*river.PeriodicJob{
		river.NewPeriodicJob(parisSchedule{Hour: per.DigestHour}, digest(passerelle.FrequencyDaily),
			&river.PeriodicJobOpts{ID: "digest_daily"}),
		river.NewPeriodicJob(parisSchedule{Hour: per.DigestHour, Weekday: per.DigestWeekday, Weekly: true}, digest(passerelle.FrequencyWeekly),
			&river.PeriodicJobOpts{ID: "digest_weekly"}),
		river.NewPeriodicJob(river.PeriodicInterval(time.Hour), func() (river.JobArgs, *river.InsertOpts) {
			return ReviewRemindersArgs{}, nil
		}, &river.PeriodicJobOpts{ID: "review_reminders", RunOnStart: true}),
		river.NewPeriodicJob(river.PeriodicInterval(24*time.Hour), func() (river.JobArgs, *river.InsertOpts) {
			return PruneEmailSendsArgs{}, nil
		}, &river.PeriodicJobOpts{ID: "prune_email_sends"}),
		freshnessJob(), // freshness.go
	}
}

// addNotifyWorkers registers the workers of subscriptions, digests and
// reminders, and returns the schedule of the periodic jobs.
func addNotifyWorkers(workers *river.Workers, deps Deps, cfg Config) Periodic {
	per := DefaultPeriodic
	if cfg.Periodic != nil {
		per = *cfg.Periodic
	}
	river.AddWorker(workers, &fanOutWorker{deps: deps})
	river.AddWorker(workers, &digestWorker{deps: deps})
	river.AddWorker(workers, &sendDigestWorker{deps: deps})
	river.AddWorker(workers, &remindersWorker{deps: deps, days: per.ReminderDays})
	river.AddWorker(workers, &sendReminderWorker{deps: deps})
	if per.ReviewAfter == (passerelle.Period{}) {
		per.ReviewAfter = passerelle.DefaultReviewAfter
	}
	river.AddWorker(workers, &freshnessWorker{deps: deps, period: per.ReviewAfter}) // freshness.go
	return per
}

// Periodic configures the periodic jobs.
type Periodic struct {
	DigestHour    int          // 0–23, Europe/Paris
	DigestWeekday time.Weekday // of the weekly digest
	ReminderDays  int          // remind after this many days, escalate after twice that
	// ReviewAfter is how long a published practice stays current before
	// its author is asked to confirm it (freshness.go);
	// passerelle.DefaultReviewAfter when zero.
	ReviewAfter passerelle.Period
}

// DefaultPeriodic is the default schedule: digests at 7:00 Paris time,
// weekly ones on Monday; reminders after 7 days.
var DefaultPeriodic = Periodic{DigestHour: 7, DigestWeekday: time.Monday, ReminderDays: 7}
