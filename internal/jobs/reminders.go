package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/authz"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// ReviewRemindersArgs asks to look for submissions waiting too long.
type ReviewRemindersArgs struct{}

// Kind implements river.JobArgs.
func (ReviewRemindersArgs) Kind() string { return "review_reminders" }

// SendReminderArgs asks to remind one moderator of one submission. Unique by
// (practice, user, Paris day, level): never the same reminder twice a day.
type SendReminderArgs struct {
	PracticeID int64  `json:"practice_id"`
	UserID     int64  `json:"user_id"`
	Day        string `json:"day"`
	Level      int    `json:"level"` // 1: the territory's moderators; 2: escalated to the parent's
}

// Kind implements river.JobArgs.
func (SendReminderArgs) Kind() string { return "send_reminder" }

// InsertOpts puts the job in the mail queue, unique by its arguments.
func (SendReminderArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueMail, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

type remindersWorker struct {
	river.WorkerDefaults[ReviewRemindersArgs]
	deps Deps
	days int
}

// Work queues the reminders due now (see QueueReminders).
func (w *remindersWorker) Work(ctx context.Context, _ *river.Job[ReviewRemindersArgs]) error {
	_, err := QueueReminders(ctx, w.deps, river.ClientFromContext[*sql.Tx](ctx), w.days, time.Now())
	return err
}

// QueueReminders reminds the moderators of submissions waiting more than days
// days: the moderators closest to the practice's territory, and after twice
// that the moderators of the parent territory of theirs too. Reminder jobs
// are unique by day, so running it every hour reminds once a day. It returns
// the number of reminders queued.
func QueueReminders(ctx context.Context, deps Deps, client *river.Client[*sql.Tx], days int, now time.Time) (int, error) {
	db := deps.DB
	items, _, err := store.ListPractices(ctx, db.Read, store.PracticeFilter{
		Statuses: []passerelle.Status{passerelle.StatusSubmitted}, OldestFirst: true, Limit: 1000})
	if err != nil {
		return 0, err
	}
	snap, err := deps.Authz.Refresh(ctx)
	if err != nil {
		return 0, err
	}
	day := now.In(Paris).Format(time.DateOnly)
	limit := time.Duration(days) * 24 * time.Hour
	var params []river.InsertManyParams
	for _, p := range items {
		if p.SubmittedAt == nil || now.Sub(*p.SubmittedAt) <= limit {
			continue
		}
		chain := snap.Tree().Chain(p.TerritoryCode)
		level1, at, err := nearestModerators(ctx, db, snap, p)
		if err != nil {
			return 0, err
		}
		for _, u := range level1 {
			params = append(params, river.InsertManyParams{Args: SendReminderArgs{PracticeID: p.ID, UserID: u.ID, Day: day, Level: 1}})
		}
		if at < 0 || at+1 >= len(chain) || now.Sub(*p.SubmittedAt) <= 2*limit {
			continue
		}
		above, err := store.UsersWithRoleOn(ctx, db.Read, passerelle.RoleModerator, chain[at+1:])
		if err != nil {
			return 0, err
		}
		for _, u := range deciders(snap, above, p) {
			params = append(params, river.InsertManyParams{Args: SendReminderArgs{PracticeID: p.ID, UserID: u.ID, Day: day, Level: 2}})
		}
	}
	if len(params) == 0 {
		return 0, nil
	}
	err = db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		_, err := client.InsertManyTx(ctx, tx.Tx, params)
		return err
	})
	return len(params), err
}

// nearestModerators returns the moderators of the nearest territory of p's
// chain that has any who Moderate it, and its index in the chain
// (passerelle.NearestModerators).
func nearestModerators(ctx context.Context, db *store.DB, snap *authz.Snapshot, p *passerelle.Practice) ([]*passerelle.User, int, error) {
	chain := snap.Tree().Chain(p.TerritoryCode)
	levels := make([][]*passerelle.User, 0, len(chain))
	for _, code := range chain {
		mods, err := store.UsersWithRoleOn(ctx, db.Read, passerelle.RoleModerator, []string{code})
		if err != nil {
			return nil, -1, err
		}
		levels = append(levels, mods)
		if got, _ := passerelle.NearestModerators(snap, p, levels[len(levels)-1:]); len(got) > 0 {
			break // no need to read the levels above
		}
	}
	mods, at := passerelle.NearestModerators(snap, p, levels)
	return mods, at, nil
}

// deciders keeps the moderators who may decide on p (passerelle.Moderates).
func deciders(pol passerelle.Policy, mods []*passerelle.User, p *passerelle.Practice) []*passerelle.User {
	var out []*passerelle.User
	for _, m := range mods {
		if passerelle.Moderates(pol, m, p) {
			out = append(out, m)
		}
	}
	return out
}

type sendReminderWorker struct {
	river.WorkerDefaults[SendReminderArgs]
	deps Deps
}

// Work sends one reminder, unless the practice was decided since, the
// moderator's account was disabled or their role revoked, or they turned
// review e-mails off.
func (w *sendReminderWorker) Work(ctx context.Context, job *river.Job[SendReminderArgs]) error {
	db := w.deps.DB
	p, err := store.GetPractice(ctx, db.Read, job.Args.PracticeID)
	if passerelle.ErrorCode(err) == passerelle.ENotFound {
		return nil
	} else if err != nil {
		return err
	}
	u, err := store.UserByID(ctx, db.Read, job.Args.UserID)
	if passerelle.ErrorCode(err) == passerelle.ENotFound {
		return nil
	} else if err != nil {
		return err
	}
	snap, err := w.deps.Authz.Refresh(ctx)
	if err != nil {
		return err
	}
	prefs, err := store.EmailPreferences(ctx, db.Read, u.ID)
	if err != nil {
		return err
	}
	if p.Status != passerelle.StatusSubmitted || !passerelle.Moderates(snap, u, p) || !prefs.Wants(passerelle.EmailReviews) {
		return nil
	}
	tr := words(u.Lang)
	waited := 0
	if p.SubmittedAt != nil {
		waited = int(time.Since(*p.SubmittedAt).Hours() / 24)
	}
	data := emailData{Subject: tr.T("mail.reminder.subject", "title", p.Title),
		Message: tr.T("mail.reminder."+strconv.Itoa(min(max(job.Args.Level, 1), 2)), "title", p.Title, "days", strconv.Itoa(waited)),
		Link:    PracticeURL(w.deps.BaseURL, p.ID)}
	key := fmt.Sprintf("reminder-%d-%d-%s-%d", p.ID, u.ID, job.Args.Day, job.Args.Level)
	m, err := w.deps.render(ctx, "reminder", key, u, passerelle.EmailReviews, data)
	if err != nil {
		return err
	}
	return w.deps.sendOnce(ctx, m)
}
