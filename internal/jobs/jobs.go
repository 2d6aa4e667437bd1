// Package jobs holds Passerelle's River jobs — every notification and e-mail
// goes through them — and builds the River client. Jobs are inserted by the
// service in the transaction of the change that causes them.
package jobs

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"
	"gocloud.dev/blob"

	"github.com/passerelle/passerelle/internal/authz"
	"github.com/passerelle/passerelle/internal/mail"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// NotifyEventArgs asks to notify the people concerned by one entry of a
// practice's history (a submission, a decision). Unique by event: inserting
// it twice does nothing.
type NotifyEventArgs struct {
	EventID int64 `json:"event_id"`
}

// Kind implements river.JobArgs.
func (NotifyEventArgs) Kind() string { return "notify_event" }

// InsertOpts makes the job unique by its arguments.
func (NotifyEventArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// SendEmailArgs asks to send the e-mail of one in-app notification. Unique
// by notification, so a retried fan-out never sends twice.
type SendEmailArgs struct {
	NotificationID int64 `json:"notification_id"`
}

// Kind implements river.JobArgs.
func (SendEmailArgs) Kind() string { return "send_email" }

// InsertOpts puts the job in the mail queue, unique by its arguments.
func (SendEmailArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueMail, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// Deps is what the workers need.
type Deps struct {
	DB      *store.DB
	Authz   *authz.Authorizer
	Mail    mail.Sender
	BaseURL string
	Logger  *slog.Logger
	// Files holds the attachments; the cleanup job deletes from it.
	Files *blob.Bucket
	// MailFrom is the sender of the e-mails ("Name <address>"); its
	// address is the organiser's in meeting invitations.
	MailFrom string
}

// Config tunes the River client.
type Config struct {
	RunWorkers bool // false: insert-only client (serve --workers=false)
	// MaxWorkers is how many jobs of the default queue (notifications,
	// fan-out, digests, cleanups) run at once: DefaultWorkers when zero.
	MaxWorkers int
	// MailWorkers is how many e-mail jobs run at once: DefaultMailWorkers
	// when zero. Sending waits on the mail server more than on the
	// database, so there are more of them.
	MailWorkers int
	// Periodic schedules the digests and review reminders where workers
	// run; nil means DefaultPeriodic.
	Periodic *Periodic
}

// NewClient builds the River client over the database's shared handle, with
// every worker registered.
func NewClient(deps Deps, cfg Config) (*river.Client[*sql.Tx], error) {
	workers := river.NewWorkers()
	river.AddWorker(workers, &notifyWorker{deps: deps})
	river.AddWorker(workers, &emailWorker{deps: deps})
	river.AddWorker(workers, &emailsWorker{deps: deps})
	river.AddWorker(workers, &pruneEmailSendsWorker{deps: deps})
	addAccountWorkers(workers, deps)
	per := addNotifyWorkers(workers, deps, cfg)
	river.AddWorker(workers, &attachmentCleanupWorker{deps: deps})
	river.AddWorker(workers, &notifyReuseWorker{deps: deps})   // reuse.go
	river.AddWorker(workers, &notifyContactWorker{deps: deps}) // contact.go
	addMeetingWorkers(workers, deps)                           // meetings.go
	rc := &river.Config{
		Workers: workers,
		Logger:  deps.Logger,
		// Logs every failure, and as an error a job's last one.
		ErrorHandler: failureLogger{logger: deps.Logger},
		// A job that runs longer than this is cancelled and retried; a job
		// whose process died is rescued after RescueStuckJobsAfter (River's
		// rescuer runs every 30 s, a dead leader is replaced within 15 s), so
		// that after a crash everything due runs again well within two
		// minutes. Long jobs (the fan-out) commit in batches as they go.
		JobTimeout:           20 * time.Second,
		RescueStuckJobsAfter: 30 * time.Second,
	}
	rc.FetchPollInterval, rc.FetchCooldown = FetchTimings(deps.DB)
	if cfg.RunWorkers {
		n := cfg.MaxWorkers
		if n <= 0 {
			n = DefaultWorkers(deps.DB)
		}
		rc.Queues = map[string]river.QueueConfig{
			river.QueueDefault: {MaxWorkers: n},
			QueueMail:          {MaxWorkers: cmp.Or(max(cfg.MailWorkers, 0), DefaultMailWorkers)},
		}
		rc.PeriodicJobs = periodicJobs(per)
	}
	return river.NewClient(deps.DB.RiverDriver(), rc)
}

// FetchTimings are how often River looks for new jobs unprompted, and the
// least time between two looks. On PostgreSQL River is told of each new
// job by LISTEN/NOTIFY as it commits, and the poll is only the fallback; an
// inserting client notifies a queue at most once per cooldown, so the
// cooldown is short, or a job committed just after another would wait for
// the poll. On SQLite, which cannot notify another process, River polls:
// often, to keep the pick-up latency low.
func FetchTimings(db *store.DB) (poll, cooldown time.Duration) {
	if db.Notifies() {
		return time.Second, 5 * time.Millisecond
	}
	return 200 * time.Millisecond, 50 * time.Millisecond
}

// DefaultWorkers is how many jobs of the default queue run at once: on
// SQLite, whose single writer serialises them anyway, fewer.
func DefaultWorkers(db *store.DB) int {
	if db.ConcurrentWriters() {
		return 10
	}
	return 4
}

// DefaultMailWorkers is how many e-mail jobs run at once.
const DefaultMailWorkers = 8

type notifyWorker struct {
	river.WorkerDefaults[NotifyEventArgs]
	deps Deps
}

// Work decides who is told about an event — computed now, at send time, so
// that a revoked role or a disabled account receives nothing — writes their
// in-app notifications and queues their e-mails, all in one transaction.
func (w *notifyWorker) Work(ctx context.Context, job *river.Job[NotifyEventArgs]) error {
	db := w.deps.DB
	ev, err := store.GetEvent(ctx, db.Read, job.Args.EventID)
	if passerelle.ErrorCode(err) == passerelle.ENotFound {
		return river.JobCancel(err) // the practice was deleted since
	} else if err != nil {
		return err
	}
	p, err := store.GetPractice(ctx, db.Read, ev.PracticeID)
	if err != nil {
		return err
	}
	snap, err := w.deps.Authz.Refresh(ctx)
	if err != nil {
		return err
	}
	// What is sent, to whom, and whether the subscribers hear of it too,
	// is read from the workflow's tables (passerelle.Transitions, and
	// passerelle.Activities for a comment: the other side of the
	// conversation).
	var typ string
	var recipients []*passerelle.User
	fanOut := false
	about := p.ID // the practice the notification links to
	if a := passerelle.ActivityFor(ev.Action); a != nil && a.Notify != "" {
		typ = a.Notify
		if recipients, err = partyRecipients(ctx, db, snap, p, ev, a.Told(ev.ActorID == p.AuthorID)); err != nil {
			return err
		}
	} else if t := passerelle.TransitionFor(ev.Action, p); t != nil && (t.Notify != "" || t.FanOut) {
		typ, fanOut = t.Notify, t.FanOut
		if t.Replaces {
			about = p.UpdateOf // the update is online: the published sheet
		}
		if typ != "" {
			if recipients, err = partyRecipients(ctx, db, snap, p, ev, t.Told(ev.From)); err != nil {
				return err
			}
		}
	} else {
		return nil
	}
	return db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		var emails []river.InsertManyParams
		for _, u := range recipients {
			n := &passerelle.Notification{UserID: u.ID, Type: typ, PracticeID: about, EventID: ev.ID,
				Message: InAppMessage(u.Lang, typ, p.Title, ev.ActorName)}
			if _, err := store.InsertNotification(ctx, tx, n); err != nil {
				return err
			}
			emails = append(emails, river.InsertManyParams{Args: SendEmailArgs{NotificationID: n.ID}})
		}
		client := river.ClientFromContext[*sql.Tx](ctx)
		if fanOut {
			// The subscribers are told by a job of their own (fanout.go).
			if _, err := client.InsertTx(ctx, tx.Tx, FanOutArgs{EventID: ev.ID}, nil); err != nil {
				return err
			}
		}
		if len(emails) == 0 {
			return nil
		}
		_, err := client.InsertManyTx(ctx, tx.Tx, emails)
		return err
	})
}

// partyRecipients returns who of party is told about p, as of now: the
// moderators who Moderate it, who holds its review (passerelle.PartyHolder),
// its reviewer (passerelle.PartyReviewer), or its author while enabled.
func partyRecipients(ctx context.Context, db *store.DB, snap *authz.Snapshot, p *passerelle.Practice, ev *passerelle.Event, party passerelle.Party) ([]*passerelle.User, error) {
	switch party {
	case passerelle.PartyModerator:
		mods, err := store.UsersWithRoleOn(ctx, db.Read, passerelle.RoleModerator, snap.Tree().Chain(p.TerritoryCode))
		if err != nil {
			return nil, err
		}
		var out []*passerelle.User
		for _, m := range mods {
			if passerelle.Moderates(snap, m, p) {
				out = append(out, m)
			}
		}
		return out, nil
	case passerelle.PartyHolder:
		h, err := holder(ctx, db, snap, p, ev)
		if err != nil {
			return nil, err
		} else if h != nil {
			return []*passerelle.User{h}, nil
		}
		mods, _, err := nearestModerators(ctx, db, snap, p)
		return mods, err
	case passerelle.PartyReviewer:
		mods, err := partyRecipients(ctx, db, snap, p, ev, passerelle.PartyModerator)
		if err != nil {
			return nil, err
		}
		claim, err := store.GetClaim(ctx, db.Read, p.ID)
		if err != nil {
			return nil, err
		}
		for _, m := range mods {
			if claim.Live(store.Now()) && m.ID == claim.ModeratorID {
				return []*passerelle.User{m}, nil
			}
		}
		return mods, nil
	case passerelle.PartyAuthor:
		author, err := store.UserByID(ctx, db.Read, p.AuthorID)
		if err != nil || author.Disabled() {
			return nil, err
		}
		return []*passerelle.User{author}, nil
	default:
		return nil, fmt.Errorf("jobs: no recipients for party %q", party)
	}
}

// holder returns who holds the review of p as of ev (passerelle.Holder):
// the live claim's moderator, or the moderator who asked for the changes a
// resubmission answers; nil when nobody does.
func holder(ctx context.Context, db *store.DB, snap *authz.Snapshot, p *passerelle.Practice, ev *passerelle.Event) (*passerelle.User, error) {
	user := func(id int64) (*passerelle.User, error) {
		if id == 0 {
			return nil, nil
		}
		u, err := store.UserByID(ctx, db.Read, id)
		if passerelle.ErrorCode(err) == passerelle.ENotFound {
			return nil, nil
		}
		return u, err
	}
	c, err := store.GetClaim(ctx, db.Read, p.ID)
	if err != nil {
		return nil, err
	}
	var claimant, returnee *passerelle.User
	if c != nil {
		if claimant, err = user(c.ModeratorID); err != nil {
			return nil, err
		}
	}
	if ev.From == passerelle.StatusChangesRequested {
		history, err := store.ListEvents(ctx, db.Read, p.ID)
		if err != nil {
			return nil, err
		}
		if returnee, err = user(passerelle.ReturnsTo(history, ev.ID)); err != nil {
			return nil, err
		}
	}
	return passerelle.Holder(snap, p, c, claimant, returnee, time.Now()), nil
}

type emailWorker struct {
	river.WorkerDefaults[SendEmailArgs]
	deps Deps
}

// Work sends the e-mail of one notification, unless it was sent already. An
// error (the SMTP server is down) makes River retry it later with backoff;
// a notification deleted since cancels the job.
func (w *emailWorker) Work(ctx context.Context, job *river.Job[SendEmailArgs]) error {
	if _, err := store.GetNotification(ctx, w.deps.DB.Read, job.Args.NotificationID); passerelle.ErrorCode(err) == passerelle.ENotFound {
		return river.JobCancel(err)
	} else if err != nil {
		return err
	}
	return w.deps.sendNotifications(ctx, []int64{job.Args.NotificationID})
}

// PracticeURL returns the page of a practice for people.
func PracticeURL(baseURL string, id int64) string {
	return strings.TrimRight(baseURL, "/") + "/fiches/" + strconv.FormatInt(id, 10)
}
