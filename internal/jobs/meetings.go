package jobs

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	netmail "net/mail"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/authz"
	"github.com/passerelle/passerelle/internal/ical"
	"github.com/passerelle/passerelle/internal/mail"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// The jobs of network meetings. Who is told what is the domain's table
// passerelle.MeetingNotices; these jobs carry it out:
//
//   - notify_meeting writes the notifications of one notice (a registration
//     confirmed, a meeting changed or cancelled, a reminder, a record, an
//     agenda proposal or decision) and queues their e-mails;
//   - promote_waiting gives freed seats to the people waiting, in order,
//     and tells each of them in the same transaction — exactly once, even
//     with several processes and racing cancellations (store.LockMeeting);
//   - fanout_meeting tells the instant followers of a territory or theme of
//     a new meeting or a published record (digest followers read it in
//     their digest, digest.go);
//   - meeting_reminder reminds the registrants two days before;
//   - send_meeting_email sends one notification's e-mail, with its
//     iCalendar invitation (REQUEST, or CANCEL) when the notice has one.

// MeetingNoticeArgs asks to tell the people a notice of a meeting concerns.
// Ref names the occurrence (a registration, a version of the meeting, a
// decision): the job is unique by its arguments, and each recipient holds
// at most one notification per ref.
type MeetingNoticeArgs struct {
	MeetingID int64  `json:"meeting_id"`
	Type      string `json:"type"`
	// UserID is the one recipient of a personal notice (a registration, a
	// decision on one's proposal), or the proposer left out of the
	// organisers told of a proposal.
	UserID int64  `json:"user_id,omitempty"`
	ItemID int64  `json:"item_id,omitempty"` // the agenda item of an agenda notice
	Ref    string `json:"ref"`
}

// Kind implements river.JobArgs.
func (MeetingNoticeArgs) Kind() string { return "notify_meeting" }

// InsertOpts makes the job unique by its arguments.
func (MeetingNoticeArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// PromoteWaitingArgs asks to give the free seats of a meeting to the people
// waiting. It is queued with every change that may free a seat; it is not
// unique, for a job already running may have counted the seats before the
// change: each run takes the meeting's lock, and one finding no free seat
// does nothing.
type PromoteWaitingArgs struct {
	MeetingID int64 `json:"meeting_id"`
}

// Kind implements river.JobArgs.
func (PromoteWaitingArgs) Kind() string { return "promote_waiting" }

// FanOutMeetingArgs asks to tell the instant followers of a piece of meeting
// news (a meeting announced, a record published). Unique by news.
type FanOutMeetingArgs struct {
	NewsID int64 `json:"news_id"`
}

// Kind implements river.JobArgs.
func (FanOutMeetingArgs) Kind() string { return "fanout_meeting" }

// InsertOpts makes the job unique by its arguments.
func (FanOutMeetingArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// MeetingReminderArgs asks to remind the registrants of a meeting starting
// at StartsAt (Unix seconds). It is scheduled passerelle.ReminderLead
// before; a meeting moved or cancelled since makes it do nothing (the move
// schedules another).
type MeetingReminderArgs struct {
	MeetingID int64 `json:"meeting_id"`
	StartsAt  int64 `json:"starts_at"`
}

// Kind implements river.JobArgs.
func (MeetingReminderArgs) Kind() string { return "meeting_reminder" }

// InsertOpts makes the job unique by its arguments.
func (MeetingReminderArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// ReminderInsertOpts schedules the reminder of a meeting starting at start,
// or returns nil when it is already too late to remind.
func ReminderInsertOpts(start, now time.Time) *river.InsertOpts {
	at := start.Add(-passerelle.ReminderLead)
	if !at.After(now) {
		return nil
	}
	return &river.InsertOpts{ScheduledAt: at, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// SendMeetingEmailArgs asks to send the e-mail of one notification about a
// meeting. Unique by notification.
type SendMeetingEmailArgs struct {
	NotificationID int64 `json:"notification_id"`
}

// Kind implements river.JobArgs.
func (SendMeetingEmailArgs) Kind() string { return "send_meeting_email" }

// InsertOpts puts the job in the mail queue, unique by its arguments.
func (SendMeetingEmailArgs) InsertOpts() river.InsertOpts {
	return river.InsertOpts{Queue: QueueMail, UniqueOpts: river.UniqueOpts{ByArgs: true}}
}

// RegistrationRef names one registration of a person (they may cancel and
// register again: each time is a new one).
func RegistrationRef(kind string, reg *passerelle.Registration) string {
	return kind + ":" + strconv.FormatInt(reg.ID, 10) + ":" + strconv.FormatInt(reg.RegisteredAt.UnixMicro(), 10)
}

func addMeetingWorkers(workers *river.Workers, deps Deps) {
	river.AddWorker(workers, &meetingNoticeWorker{deps: deps})
	river.AddWorker(workers, &promoteWorker{deps: deps})
	river.AddWorker(workers, &fanOutMeetingWorker{deps: deps})
	river.AddWorker(workers, &meetingReminderWorker{deps: deps})
	river.AddWorker(workers, &meetingEmailWorker{deps: deps})
}

type meetingNoticeWorker struct {
	river.WorkerDefaults[MeetingNoticeArgs]
	deps Deps
}

// Work finds the recipients now — enabled accounts only, so that a
// disabled one hears nothing — and writes their notifications and e-mail
// jobs in one transaction.
func (w *meetingNoticeWorker) Work(ctx context.Context, job *river.Job[MeetingNoticeArgs]) error {
	db, a := w.deps.DB, job.Args
	m, err := store.GetMeeting(ctx, db.Read, a.MeetingID)
	if passerelle.ErrorCode(err) == passerelle.ENotFound {
		return river.JobCancel(err)
	} else if err != nil {
		return err
	}
	var recipients []store.Recipient
	switch a.Type {
	case passerelle.NotifyMeetingRegistered, passerelle.NotifyMeetingWaiting, passerelle.NotifyMeetingUnregistered,
		passerelle.NotifyAgendaAccepted, passerelle.NotifyAgendaDeclined:
		u, err := store.UserByID(ctx, db.Read, a.UserID)
		if err != nil {
			return err
		}
		if !u.Disabled() {
			recipients = []store.Recipient{{UserID: u.ID, Lang: u.Lang}}
		}
	case passerelle.NotifyMeetingUpdated, passerelle.NotifyMeetingReminder, passerelle.NotifyMeetingRecord:
		if recipients, err = store.RegistrantsOf(ctx, db.Read, m.ID, passerelle.RegistrationRegistered); err != nil {
			return err
		}
	case passerelle.NotifyMeetingCancelled:
		if recipients, err = store.RegistrantsOf(ctx, db.Read, m.ID, passerelle.RegistrationRegistered, passerelle.RegistrationWaiting); err != nil {
			return err
		}
	case passerelle.NotifyAgendaProposed:
		if recipients, err = w.organizers(ctx, m, a.UserID); err != nil {
			return err
		}
	default:
		return river.JobCancel(fmt.Errorf("unknown meeting notice %q", a.Type))
	}
	extra := ""
	if a.ItemID != 0 {
		item, err := store.GetAgendaItem(ctx, db.Read, m.ID, a.ItemID)
		if passerelle.ErrorCode(err) == passerelle.ENotFound {
			return river.JobCancel(err) // removed since
		} else if err != nil {
			return err
		}
		extra = item.PracticeTitle
	}
	return db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return writeMeetingNotices(ctx, tx, river.ClientFromContext[*sql.Tx](ctx), m, a.Type, a.Ref, extra, recipients)
	})
}

// organizers returns the enabled moderators who may organise m, but except.
func (w *meetingNoticeWorker) organizers(ctx context.Context, m *passerelle.Meeting, except int64) ([]store.Recipient, error) {
	snap, err := w.deps.Authz.Refresh(ctx)
	if err != nil {
		return nil, err
	}
	mods, err := store.UsersWithRoleOn(ctx, w.deps.DB.Read, passerelle.RoleModerator, snap.Tree().Chain(m.TerritoryCode))
	if err != nil {
		return nil, err
	}
	var out []store.Recipient
	for _, u := range mods {
		if u.ID != except && !u.Disabled() && snap.Can(u, passerelle.PermOrganizeMeeting, m.TerritoryCode) {
			out = append(out, store.Recipient{UserID: u.ID, Lang: u.Lang})
		}
	}
	return out, nil
}

// writeMeetingNotices writes, in tx, the notifications of type about m to
// recipients under ref (skipping those who already hold one) and queues
// their e-mails.
func writeMeetingNotices(ctx context.Context, tx bun.Tx, client *river.Client[*sql.Tx], m *passerelle.Meeting, typ, ref, extra string, recipients []store.Recipient) error {
	if len(recipients) == 0 {
		return nil
	}
	ns := make([]passerelle.Notification, len(recipients))
	for i, r := range recipients {
		ns[i] = passerelle.Notification{UserID: r.UserID, Type: typ, MeetingID: m.ID, Message: MeetingMessage(r.Lang, typ, m, extra)}
	}
	ids, err := store.InsertMeetingNotifications(ctx, tx, ref, ns)
	if err != nil {
		return err
	}
	emails := make([]river.InsertManyParams, 0, len(ids))
	for _, r := range recipients {
		if id, ok := ids[r.UserID]; ok {
			emails = append(emails, river.InsertManyParams{Args: SendMeetingEmailArgs{NotificationID: id}})
		}
	}
	if len(emails) == 0 {
		return nil
	}
	_, err = client.InsertManyTx(ctx, tx.Tx, emails)
	return err
}

type promoteWorker struct {
	river.WorkerDefaults[PromoteWaitingArgs]
	deps Deps
}

// Work gives the free seats of a meeting to the people waiting, first come
// first served (passerelle.FreeSeats), and tells each of them, in one
// transaction under the meeting's lock: a seat is given once and its
// notification written once, whichever process runs the job and however
// many run at once. Nothing moves once the meeting has started or is no
// longer planned.
func (w *promoteWorker) Work(ctx context.Context, job *river.Job[PromoteWaitingArgs]) error {
	db := w.deps.DB
	client := river.ClientFromContext[*sql.Tx](ctx)
	return db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := store.LockMeeting(ctx, tx, job.Args.MeetingID); err != nil {
			return err
		}
		m, err := store.GetMeeting(ctx, tx, job.Args.MeetingID)
		if passerelle.ErrorCode(err) == passerelle.ENotFound {
			return nil
		} else if err != nil {
			return err
		}
		now := store.Now()
		if m.Status != passerelle.MeetingPlanned || !now.Before(m.StartsAt) {
			return nil
		}
		registered, waiting, err := store.SeatCounts(ctx, tx, m.ID)
		if err != nil {
			return err
		}
		promoted, err := store.PromoteWaiting(ctx, tx, m.ID, passerelle.FreeSeats(m.Capacity, registered, waiting), now)
		if err != nil {
			return err
		}
		for i := range promoted {
			reg := &promoted[i]
			u, err := store.UserByID(ctx, tx, reg.UserID)
			if err != nil {
				return err
			}
			if u.Disabled() {
				continue
			}
			if err := writeMeetingNotices(ctx, tx, client, m, passerelle.NotifyMeetingPromoted, RegistrationRef("promoted", reg), "",
				[]store.Recipient{{UserID: u.ID, Lang: u.Lang}}); err != nil {
				return err
			}
		}
		return nil
	})
}

type fanOutMeetingWorker struct {
	river.WorkerDefaults[FanOutMeetingArgs]
	deps Deps
}

// Work tells the instant followers of the meeting's territory or themes,
// never the one who made the news, in batches: a retry skips who already
// holds the notification (keyed by the news), so nothing is doubled.
func (w *fanOutMeetingWorker) Work(ctx context.Context, job *river.Job[FanOutMeetingArgs]) error {
	db := w.deps.DB
	news, err := store.GetMeetingNews(ctx, db.Read, job.Args.NewsID)
	if passerelle.ErrorCode(err) == passerelle.ENotFound {
		return river.JobCancel(err)
	} else if err != nil {
		return err
	}
	m, err := store.GetMeeting(ctx, db.Read, news.MeetingID)
	if passerelle.ErrorCode(err) == passerelle.ENotFound {
		return river.JobCancel(err)
	} else if err != nil {
		return err
	}
	if m.Status == passerelle.MeetingCancelled {
		return nil // called off since: no longer news
	}
	snap, err := w.deps.Authz.Refresh(ctx)
	if err != nil {
		return err
	}
	recipients, err := store.InstantMeetingSubscribers(ctx, db.Read, m, snap.Tree().Chain(m.TerritoryCode), news.ActorID)
	if err != nil {
		return err
	}
	typ := passerelle.NotifyMeetingNew
	if news.Kind == passerelle.NewsRecord {
		typ = passerelle.NotifyMeetingRecord
		// The registrants hear of the record through their own notice
		// (ref "record:<id>"), not twice.
		regs, err := store.RegistrantsOf(ctx, db.Read, m.ID, passerelle.RegistrationRegistered)
		if err != nil {
			return err
		}
		recipients = slices.DeleteFunc(recipients, func(r store.Recipient) bool {
			return slices.ContainsFunc(regs, func(g store.Recipient) bool { return g.UserID == r.UserID })
		})
	}
	ref := "news:" + strconv.FormatInt(news.ID, 10)
	client := river.ClientFromContext[*sql.Tx](ctx)
	for start := 0; start < len(recipients); start += FanOutBatch {
		batch := recipients[start:min(start+FanOutBatch, len(recipients))]
		if err := db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			return writeMeetingNotices(ctx, tx, client, m, typ, ref, "", batch)
		}); err != nil {
			return err
		}
	}
	return nil
}

type meetingReminderWorker struct {
	river.WorkerDefaults[MeetingReminderArgs]
	deps Deps
}

// Work reminds the registrants, unless the meeting moved (another reminder
// is scheduled for the new time) or is no longer planned.
func (w *meetingReminderWorker) Work(ctx context.Context, job *river.Job[MeetingReminderArgs]) error {
	db := w.deps.DB
	m, err := store.GetMeeting(ctx, db.Read, job.Args.MeetingID)
	if passerelle.ErrorCode(err) == passerelle.ENotFound {
		return river.JobCancel(err)
	} else if err != nil {
		return err
	}
	if m.Status != passerelle.MeetingPlanned || m.StartsAt.Unix() != job.Args.StartsAt || !store.Now().Before(m.StartsAt) {
		return nil
	}
	recipients, err := store.RegistrantsOf(ctx, db.Read, m.ID, passerelle.RegistrationRegistered)
	if err != nil {
		return err
	}
	ref := "reminder:" + strconv.FormatInt(m.ID, 10) + ":" + strconv.FormatInt(job.Args.StartsAt, 10)
	return db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		return writeMeetingNotices(ctx, tx, river.ClientFromContext[*sql.Tx](ctx), m, passerelle.NotifyMeetingReminder, ref, "", recipients)
	})
}

type meetingEmailWorker struct {
	river.WorkerDefaults[SendMeetingEmailArgs]
	deps Deps
}

// Work sends the e-mail of one notification about a meeting, as the
// meeting is now. An invitation (REQUEST) goes only to someone who holds a
// seat now, and becomes a CANCEL once the meeting is called off; an error
// (SMTP down) makes River retry it with backoff.
func (w *meetingEmailWorker) Work(ctx context.Context, job *river.Job[SendMeetingEmailArgs]) error {
	db := w.deps.DB
	n, err := store.GetNotification(ctx, db.Read, job.Args.NotificationID)
	if passerelle.ErrorCode(err) == passerelle.ENotFound {
		return river.JobCancel(err)
	} else if err != nil {
		return err
	}
	notice := passerelle.MeetingNoticeFor(n.Type)
	if notice == nil || n.MeetingID == 0 {
		return river.JobCancel(fmt.Errorf("notification %d is not about a meeting", n.ID))
	}
	u, err := store.UserByID(ctx, db.Read, n.UserID)
	if err != nil {
		return err
	}
	prefs, err := store.EmailPreferences(ctx, db.Read, u.ID)
	if err != nil {
		return err
	}
	if u.Disabled() || !prefs.Wants(notice.Category) {
		return nil
	}
	m, err := store.GetMeeting(ctx, db.Read, n.MeetingID)
	if passerelle.ErrorCode(err) == passerelle.ENotFound {
		return river.JobCancel(err)
	} else if err != nil {
		return err
	}
	method := notice.Invitation
	if method != passerelle.NoInvitation {
		reg, err := store.GetRegistration(ctx, db.Read, m.ID, u.ID)
		if err != nil {
			return err
		}
		seated := reg != nil && reg.Status == passerelle.RegistrationRegistered
		switch {
		case method == passerelle.InvitationRequest && !seated:
			return nil // cancelled since: nothing to add to their calendar
		case method == passerelle.InvitationRequest && m.Status == passerelle.MeetingCancelled:
			method = passerelle.InvitationCancel
		case n.Type == passerelle.NotifyMeetingCancelled && !seated:
			method = passerelle.NoInvitation // they were waiting: never had it in their calendar
		}
	}
	msg, err := w.deps.meetingEmail(ctx, u, n, m, notice, method)
	if err != nil {
		return err
	}
	return w.deps.sendOnce(ctx, msg) // once, even when the job runs again (send.go)
}

// icalSite describes the platform for the iCalendar files.
func (d Deps) icalSite() ical.Site {
	return ICalSite(d.BaseURL, d.MailFrom)
}

// ICalSite describes the platform for the iCalendar files: its base URL,
// and the address of the sender mailFrom ("Name <address>") as the
// organiser's.
func ICalSite(baseURL, mailFrom string) ical.Site {
	site := ical.Site{BaseURL: strings.TrimRight(baseURL, "/"), Name: "Passerelle"}
	if a, err := netmail.ParseAddress(mailFrom); err == nil {
		site.OrganizerEmail = a.Address
	}
	return site
}

// MeetingURL returns the page of a meeting for people.
func MeetingURL(baseURL string, id int64) string {
	return strings.TrimRight(baseURL, "/") + "/rencontres/" + strconv.FormatInt(id, 10)
}

// meetingEmail builds the e-mail of a notification about m, with its
// invitation when method is set.
func (d Deps) meetingEmail(ctx context.Context, u *passerelle.User, n *passerelle.Notification, m *passerelle.Meeting,
	notice *passerelle.MeetingNotice, method passerelle.ICalMethod) (*mail.Message, error) {
	data := emailData{Subject: "[Passerelle] " + words(u.Lang).T("mail."+n.Type+".subject", "title", m.Title), Message: n.Message,
		Comment: meetingDetails(u.Lang, m), Link: MeetingURL(d.BaseURL, m.ID)}
	msg, err := d.render(ctx, "meeting", "meeting-notification-"+strconv.FormatInt(n.ID, 10), u, notice.Category, data)
	if err != nil {
		return nil, err
	}
	if method == passerelle.NoInvitation {
		return msg, nil
	}
	snap, err := d.Authz.Refresh(ctx)
	if err != nil {
		return nil, err
	}
	var buf bytes.Buffer
	if err := ical.WriteInvitation(&buf, d.icalSite(), IcalNames(snap, u.Lang), m, method, ical.Attendee{Name: u.Name, Email: u.Email}); err != nil {
		return nil, err
	}
	name := "invitation.ics"
	if method == passerelle.InvitationCancel {
		name = "annulation.ics"
	}
	msg.Attachments = append(msg.Attachments, mail.Attachment{Name: name, ContentType: ical.MediaType(method), Data: buf.Bytes()})
	return msg, nil
}

// IcalNames returns the words of the iCalendar files in lang, with the
// theme names of snap.
func IcalNames(snap *authz.Snapshot, lang string) ical.Names {
	tr := words(lang)
	themes := map[string]string{}
	if snap != nil {
		for _, t := range snap.Themes() {
			themes[t.Slug] = t.Name
		}
	}
	return ical.Names{Themes: themes, OnlineLabel: tr.T("mail.meeting.online"), PageLabel: tr.T("mail.meeting.page"), CancelPrefix: tr.T("mail.meeting.cancelled")}
}
