package jobs

import (
	"context"
	"errors"
	"log/slog"
	"strconv"
	"time"

	"github.com/riverqueue/river"
	gomail "github.com/wneessen/go-mail"

	"github.com/passerelle/passerelle/internal/mail"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// Each e-mail is sent once. Before sending, a job looks up the message's
// key in email_sends and skips it when it is recorded; right after the mail
// server accepts it (or the outbox wrote it), the job records it. A job run
// again after a crash — River rescues it — therefore sends only what was not
// recorded.
//
// One window remains: between the server's acceptance and the record's
// commit (a few milliseconds, measured by make faults and logged at debug
// level as "window"). A crash exactly there sends the message again, with
// the same Message-ID (derived from its key), so that mail servers and
// clients can recognise the copy. Invitations and password resets choose a
// fresh link on each send: a copy of those carries another Message-ID, and
// only its link works.

// QueueMail is the River queue of e-mail deliveries, with workers of its
// own: a burst of e-mails never delays the fan-out and the other jobs, and
// the other way round.
const QueueMail = "mail"

// EmailBatch is how many e-mails one send_emails job delivers, one after
// the other over one SMTP connection.
const EmailBatch = 50

// SendEmailsArgs asks to send the e-mails of several notifications (one
// publication's subscribers, say) over one connection. Unique by its
// arguments, and each e-mail is recorded once sent, so nothing is ever sent
// twice.
type SendEmailsArgs struct {
	NotificationIDs []int64 `json:"notification_ids"`
}

// Kind implements river.JobArgs.
func (SendEmailsArgs) Kind() string { return "send_emails" }

// InsertOpts puts the job in the mail queue, unique by its arguments.
func (SendEmailsArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueMail, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// emailBatches splits ids into send_emails jobs of at most EmailBatch.
func emailBatches(ids []int64) []river.InsertManyParams {
	var out []river.InsertManyParams
	for start := 0; start < len(ids); start += EmailBatch {
		out = append(out, river.InsertManyParams{Args: SendEmailsArgs{NotificationIDs: ids[start:min(start+EmailBatch, len(ids))]}})
	}
	return out
}

type emailsWorker struct {
	river.WorkerDefaults[SendEmailsArgs]
	deps Deps
}

// Work sends the e-mails of the batch that are not sent yet.
func (w *emailsWorker) Work(ctx context.Context, job *river.Job[SendEmailsArgs]) error {
	return w.deps.sendNotifications(ctx, job.Args.NotificationIDs)
}

// notificationKey is the key of a notification's e-mail: a notification is
// one event for one recipient.
func notificationKey(id int64) string { return "notification-" + strconv.FormatInt(id, 10) }

// sendNotifications sends the e-mails of the notifications of ids that are
// not recorded as sent, reading what they need in a few queries. A message
// the server refuses for its recipient does not stop the others; any other
// failure (the server is down) stops the batch, and River retries it.
func (d Deps) sendNotifications(ctx context.Context, ids []int64) error {
	db := d.DB
	keys := make([]string, len(ids))
	for i, id := range ids {
		keys[i] = notificationKey(id)
	}
	sent, err := store.SentEmails(ctx, db.Read, keys)
	if err != nil {
		return err
	}
	var pending []int64
	for _, id := range ids {
		if !sent[notificationKey(id)] {
			pending = append(pending, id)
		}
	}
	ns, err := store.NotificationsByID(ctx, db.Read, pending)
	if err != nil || len(ns) == 0 {
		return err
	}
	// A batch is about one event, mostly: its practice and its event are
	// read once.
	var userIDs []int64
	practices := map[int64]*passerelle.Practice{}
	events := map[int64]*passerelle.Event{}
	for _, n := range ns {
		userIDs = append(userIDs, n.UserID)
		practices[n.PracticeID] = nil
		events[n.EventID] = nil
	}
	users, err := store.UsersByID(ctx, db.Read, userIDs)
	if err != nil {
		return err
	}
	prefs, err := store.EmailPreferencesOf(ctx, db.Read, userIDs)
	if err != nil {
		return err
	}
	for id := range practices {
		if practices[id], err = store.GetPractice(ctx, db.Read, id); err != nil && passerelle.ErrorCode(err) != passerelle.ENotFound {
			return err
		}
	}
	for id := range events {
		if events[id], err = store.GetEvent(ctx, db.Read, id); err != nil && passerelle.ErrorCode(err) != passerelle.ENotFound {
			return err
		}
	}
	snap, err := d.Authz.Refresh(ctx)
	if err != nil {
		return err
	}
	var refused []error
	for i := range ns {
		n := &ns[i]
		u, p, ev := users[n.UserID], practices[n.PracticeID], events[n.EventID]
		if ev == nil && n.EventID == 0 && n.Type == passerelle.NotifyContact && p != nil {
			// A reader's message (contact.go) is no event of the
			// practice's history: the e-mail carries it alone.
			ev = &passerelle.Event{PracticeID: p.ID}
		}
		if u == nil || p == nil || ev == nil {
			continue // deleted since
		}
		if u.Disabled() || !prefs[u.ID].Wants(passerelle.CategoryOf(n.Type)) {
			continue
		}
		// The e-mail shows the event as its recipient may see it: a
		// subscriber told of a publication gets neither the moderator's
		// name nor the reason given with the approval.
		seen, ok := passerelle.AudienceOf(snap, u, p).Event(*ev)
		if !ok {
			seen = passerelle.Event{ID: ev.ID, PracticeID: ev.PracticeID, At: ev.At, Action: ev.Action}
		}
		m, err := d.notificationEmail(ctx, u, n, p, &seen)
		if err != nil {
			return err
		}
		if err := d.deliver(ctx, m); err != nil {
			if !recipientRefused(err) {
				return errors.Join(append(refused, err)...)
			}
			refused = append(refused, err)
		}
	}
	return errors.Join(refused...)
}

// recipientRefused reports whether the SMTP server refused a message for
// its recipient only: the other messages of a batch may still go.
func recipientRefused(err error) bool {
	var se *gomail.SendError
	return errors.As(err, &se) && se.Reason == gomail.ErrSMTPRcptTo
}

// sendOnce sends m unless its key is recorded as sent.
func (d Deps) sendOnce(ctx context.Context, m *mail.Message) error {
	sent, err := d.wasSent(ctx, m.Key)
	if err != nil || sent {
		return err
	}
	return d.deliver(ctx, m)
}

// wasSent reports whether the e-mail of key was recorded as sent. Jobs
// that prepare something for their e-mail (a fresh link) ask first.
func (d Deps) wasSent(ctx context.Context, key string) (bool, error) {
	sent, err := store.SentEmails(ctx, d.DB.Read, []string{key})
	return sent[key], err
}

// recordTimeout bounds the record of a send; it runs even when the job's
// context ends meanwhile: the message is out, its record must follow.
const recordTimeout = 10 * time.Second

// deliver sends m and records it at once. When the record fails after
// the server accepted the message, the job fails and River runs it again:
// the message goes out a second time, with the same Message-ID.
func (d Deps) deliver(ctx context.Context, m *mail.Message) error {
	if err := d.Mail.Send(ctx, m); err != nil {
		return err
	}
	accepted := time.Now()
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), recordTimeout)
	defer cancel()
	err := store.RecordEmailSent(rctx, d.DB, store.EmailSend{Key: m.Key, MessageID: m.MessageID, Recipient: m.To})
	window := time.Since(accepted)
	if err != nil {
		d.Logger.Error("e-mail sent but not recorded: a retry will send it again", slog.String("key", m.Key),
			slog.String("message_id", m.MessageID), slog.Any("err", err))
		return err
	}
	d.Logger.Debug("e-mail sent", slog.String("key", m.Key), slog.String("message_id", m.MessageID), slog.Duration("window", window))
	return nil
}

// PruneEmailSendsArgs asks to forget the records of e-mails sent long ago:
// a job is never retried for that long.
type PruneEmailSendsArgs struct{}

// Kind implements river.JobArgs.
func (PruneEmailSendsArgs) Kind() string { return "prune_email_sends" }

// EmailSendsKept is how long a send stays recorded: longer than River
// retries a job (25 attempts with growing backoff: about three weeks).
const EmailSendsKept = 30 * 24 * time.Hour

type pruneEmailSendsWorker struct {
	river.WorkerDefaults[PruneEmailSendsArgs]
	deps Deps
}

// Work deletes the records older than EmailSendsKept.
func (w *pruneEmailSendsWorker) Work(ctx context.Context, _ *river.Job[PruneEmailSendsArgs]) error {
	_, err := store.PruneEmailSends(ctx, w.deps.DB.Bun, store.Now().Add(-EmailSendsKept))
	return err
}
