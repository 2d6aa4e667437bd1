package jobs

import (
	"context"
	"database/sql"
	"fmt"
	"html"
	"strconv"
	"strings"
	"time"

	"github.com/riverqueue/river"
	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/mail"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// SendInvitationArgs asks to send the e-mail of an invitation. The job
// chooses the token itself and stores only its hash, so that the token is
// never written in clear anywhere, not even in these arguments; running it
// again sends a new link and the previous one stops working.
type SendInvitationArgs struct {
	InvitationID int64 `json:"invitation_id"`
}

// Kind implements river.JobArgs.
func (SendInvitationArgs) Kind() string { return "send_invitation" }

// InsertOpts puts the job in the mail queue.
func (SendInvitationArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: QueueMail} }

// SendPasswordResetArgs asks to send a password reset link, chosen like an
// invitation's.
type SendPasswordResetArgs struct {
	ResetID int64 `json:"reset_id"`
}

// Kind implements river.JobArgs.
func (SendPasswordResetArgs) Kind() string { return "send_password_reset" }

// InsertOpts puts the job in the mail queue.
func (SendPasswordResetArgs) InsertOpts() river.InsertOpts { return river.InsertOpts{Queue: QueueMail} }

// RequestPasswordResetArgs asks for a password reset of the account with
// Email, if there is one that may sign in. The form's answer is the same,
// in the same time, whether there is or not: the looking up happens here,
// never in the request.
type RequestPasswordResetArgs struct {
	Email string `json:"email"`
}

// Kind implements river.JobArgs.
func (RequestPasswordResetArgs) Kind() string { return "request_password_reset" }

// ResetInterval is the least time between two reset e-mails to one
// account, so that the form cannot be used to flood someone's mailbox.
const ResetInterval = 2 * time.Minute

type requestResetWorker struct {
	river.WorkerDefaults[RequestPasswordResetArgs]
	deps Deps
}

// Work records a reset and queues its e-mail, in one transaction, when the
// address has an account that may sign in and no reset was asked for it
// within ResetInterval; otherwise it does nothing.
func (w *requestResetWorker) Work(ctx context.Context, job *river.Job[RequestPasswordResetArgs]) error {
	db := w.deps.DB
	u, _, err := store.UserByEmail(ctx, db.Read, passerelle.NormalizeEmail(job.Args.Email))
	if passerelle.ErrorCode(err) == passerelle.ENotFound {
		return nil
	} else if err != nil {
		return err
	}
	if u.Disabled() {
		return nil
	}
	client := river.ClientFromContext[*sql.Tx](ctx)
	now := store.Now()
	return db.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		n, err := tx.NewSelect().Table("password_resets").
			Where("user_id = ? AND created_at > ? AND used_at IS NULL", u.ID, now.Add(-ResetInterval)).Count(ctx)
		if err != nil || n > 0 {
			return err
		}
		id, err := store.InsertPasswordReset(ctx, tx, u.ID, now, now.Add(passerelle.PasswordResetLifetime))
		if err != nil {
			return err
		}
		_, err = client.InsertTx(ctx, tx.Tx, SendPasswordResetArgs{ResetID: id}, nil)
		return err
	})
}

// InvitationURL returns the acceptance page of an invitation token.
func InvitationURL(baseURL, token string) string {
	return strings.TrimRight(baseURL, "/") + "/invitations/" + token
}

// PasswordResetURL returns the new-password page of a reset token.
func PasswordResetURL(baseURL, token string) string {
	return strings.TrimRight(baseURL, "/") + "/mot-de-passe/reinitialiser/" + token
}

type invitationWorker struct {
	river.WorkerDefaults[SendInvitationArgs]
	deps Deps
}

// Work sends the invitation while it is still open; an invitation accepted,
// revoked or expired meanwhile is left alone.
func (w *invitationWorker) Work(ctx context.Context, job *river.Job[SendInvitationArgs]) error {
	db := w.deps.DB
	inv, err := store.InvitationByID(ctx, db.Read, job.Args.InvitationID)
	if passerelle.ErrorCode(err) == passerelle.ENotFound {
		return river.JobCancel(err)
	} else if err != nil {
		return err
	}
	if inv.State(store.Now()) != passerelle.InvitationPending {
		return nil
	}
	// Sent already (the job runs again after a crash): choosing a new
	// token now would leave the person with a link that no longer works.
	if sent, err := w.deps.wasSent(ctx, invitationKey(inv.ID)); err != nil || sent {
		return err
	}
	territory := inv.Territory
	if snap, err := w.deps.Authz.Refresh(ctx); err == nil {
		if t := snap.Tree().Get(inv.Territory); t != nil {
			territory = t.Name
		}
	}
	token, hash := passerelle.NewSecret("inv_")
	if ok, err := store.SetInvitationToken(ctx, db.Bun, inv.ID, hash); err != nil || !ok {
		return err
	}
	return w.deps.deliver(ctx, invitationEmail(w.deps.BaseURL, inv, territory, token, hash))
}

type passwordResetWorker struct {
	river.WorkerDefaults[SendPasswordResetArgs]
	deps Deps
}

// Work sends the reset link while the reset is unused and unexpired, to an
// account that may still sign in.
func (w *passwordResetWorker) Work(ctx context.Context, job *river.Job[SendPasswordResetArgs]) error {
	db := w.deps.DB
	reset, err := store.PasswordResetByID(ctx, db.Read, job.Args.ResetID)
	if passerelle.ErrorCode(err) == passerelle.ENotFound {
		return river.JobCancel(err)
	} else if err != nil {
		return err
	}
	u, err := store.UserByID(ctx, db.Read, reset.UserID)
	if err != nil {
		return err
	}
	if u.Disabled() || reset.UsedAt != nil || !store.Now().Before(reset.ExpiresAt) {
		return nil
	}
	if sent, err := w.deps.wasSent(ctx, passwordResetKey(reset.ID)); err != nil || sent {
		return err
	}
	token, hash := passerelle.NewSecret("pwr_")
	if ok, err := store.SetPasswordResetToken(ctx, db.Bun, reset.ID, hash); err != nil || !ok {
		return err
	}
	return w.deps.deliver(ctx, passwordResetEmail(w.deps.BaseURL, u, reset.ID, token, hash))
}

// letter builds a plain-text and an HTML body from paragraphs, the link
// after the paragraph at index linkAfter.
func letter(lang, name string, paras []string, linkAfter int, link string) (string, string) {
	hello := words(lang).T("mail.hello", "name", name)
	var txt, htm strings.Builder
	fmt.Fprintf(&txt, "%s\n\n", hello)
	fmt.Fprintf(&htm, "<p>%s</p>\n", html.EscapeString(hello))
	for i, p := range paras {
		fmt.Fprintf(&txt, "%s\n\n", p)
		fmt.Fprintf(&htm, "<p>%s</p>\n", html.EscapeString(p))
		if i == linkAfter {
			fmt.Fprintf(&txt, "%s\n\n", link)
			fmt.Fprintf(&htm, "<p><a href=\"%s\">%s</a></p>\n", html.EscapeString(link), html.EscapeString(link))
		}
	}
	fmt.Fprintf(&txt, "-- \nPasserelle\n")
	return txt.String(), "<!DOCTYPE html>\n<html lang=\"" + lang + "\"><body>\n" + htm.String() + "</body></html>\n"
}

// invitationKey and passwordResetKey are the keys of the account e-mails:
// one invitation, one reset request.
func invitationKey(id int64) string    { return "invitation-" + strconv.FormatInt(id, 10) }
func passwordResetKey(id int64) string { return "password-reset-" + strconv.FormatInt(id, 10) }

// linkRevision tells apart two sends of one account e-mail: each carries
// its own link, so a copy must not share the Message-ID of the first (see
// mail.Message.Revision). It is a prefix of the stored hash of the token.
func linkRevision(hash string) string { return hash[:min(12, len(hash))] }

func invitationEmail(baseURL string, inv *passerelle.Invitation, territory, token, hash string) *mail.Message {
	t := words(inv.Lang)
	inviter := inv.InvitedByName
	if inviter == "" {
		inviter = "Passerelle"
	}
	role := string(inv.Role)
	if key := "mail.account.role." + role; t.Has(key) {
		role = t.T(key)
	}
	txt, htm := letter(t.Lang(), inv.Name, []string{
		t.T("mail.account.invitation.intro", "inviter", inviter),
		t.T("mail.account.invitation.role", "role", role, "territory", territory),
		t.T("mail.account.invitation.action"),
		t.T("mail.account.invitation.expiry"),
		t.T("mail.account.invitation.ignore"),
	}, 2, InvitationURL(baseURL, token))
	return &mail.Message{Key: invitationKey(inv.ID), Revision: linkRevision(hash), To: inv.Email, ToName: inv.Name,
		Subject: t.T("mail.account.invitation.subject"), Text: txt, HTML: htm}
}

func passwordResetEmail(baseURL string, u *passerelle.User, resetID int64, token, hash string) *mail.Message {
	t := words(u.Lang)
	txt, htm := letter(t.Lang(), u.Name, []string{t.T("mail.account.reset.intro"), t.T("mail.account.reset.action"),
		t.T("mail.account.reset.expiry"), t.T("mail.account.reset.ignore")}, 1, PasswordResetURL(baseURL, token))
	return &mail.Message{Key: passwordResetKey(resetID), Revision: linkRevision(hash), To: u.Email, ToName: u.Name,
		Subject: t.T("mail.account.reset.subject"), Text: txt, HTML: htm}
}

// addAccountWorkers registers the workers of the account e-mails.
func addAccountWorkers(workers *river.Workers, deps Deps) {
	river.AddWorker(workers, &invitationWorker{deps: deps})
	river.AddWorker(workers, &passwordResetWorker{deps: deps})
	river.AddWorker(workers, &requestResetWorker{deps: deps})
}
