package jobs

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/passerelle"
)

// TestMailWords checks that every word the notifications and e-mails ask for
// is in both languages' locale files, and that the files hold no "mail." key
// nobody asks for. (The parity of fr and en, their placeholders and French
// typography are checked with every other locale file, in internal/view.)
func TestMailWords(t *testing.T) {
	want := []string{"mail.hello", "mail.digest.daily", "mail.digest.weekly", "mail.digest.subject_1", "mail.digest.subject_n",
		"mail.digest.subject_meetings", "mail.digest.record", "mail.reminder.subject", "mail.reminder.1", "mail.reminder.2",
		"mail.meeting.when", "mail.meeting.where", "mail.meeting.online", "mail.meeting.page", "mail.meeting.cancelled",
		"mail.meeting.reason", "mail.meeting.same_day", "mail.meeting.span",
		"mail.account.invitation.subject", "mail.account.invitation.intro", "mail.account.invitation.role",
		"mail.account.invitation.action", "mail.account.invitation.expiry", "mail.account.invitation.ignore",
		"mail.account.reset.subject", "mail.account.reset.intro", "mail.account.reset.action", "mail.account.reset.expiry",
		"mail.account.reset.ignore", "mail.practice.contact.answer"}
	for _, key := range templateWords {
		want = append(want, key)
	}
	for i := range 7 {
		want = append(want, "mail.meeting.weekday."+strconv.Itoa(i))
	}
	for _, r := range []passerelle.Role{passerelle.RoleContributor, passerelle.RoleModerator} {
		want = append(want, "mail.account.role."+string(r))
	}
	types := []string{passerelle.NotifySubmitted, passerelle.NotifyPublished, passerelle.NotifyChangesRequested,
		passerelle.NotifyRejected, passerelle.NotifyNew, passerelle.NotifyComment, passerelle.NotifyReused,
		passerelle.NotifyReviewDue, passerelle.NotifyContact, passerelle.NotifyUpdated}
	for _, n := range passerelle.MeetingNotices {
		types = append(types, n.Type)
	}
	for _, typ := range types {
		want = append(want, "mail."+typ+".in_app", "mail."+typ+".subject")
	}
	cat := mailCatalog()
	for _, lang := range cat.Languages() {
		tr := cat.Translator(lang)
		for _, k := range want {
			if !tr.Has(k) {
				t.Errorf("%s: no %q in ui/locales/mail.%s.json", lang, k, lang)
			}
		}
		for _, k := range cat.Keys(lang) {
			if strings.HasPrefix(k, "mail.") && !slices.Contains(want, k) {
				t.Errorf("%s: %q is not used", lang, k)
			}
		}
	}
}
