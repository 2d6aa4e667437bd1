package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/testenv"
)

// TestContactAuthor: "Contacter l'équipe" takes a signed-in reader's
// message to the author of a published sheet through River — in the app
// and in the author's outbox — with the reader's name and never an address
// of either side; audited; refused with a message naming the field for a
// wrong length, to the author on their own sheet, to a disabled account,
// and past the sender's rate limit.
func TestContactAuthor(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		w := s.World
		ctx := context.Background()
		forum := publish(t, s, w.RoubaixAuthor, testenv.CompleteExperience("59512", "Un forum à Roubaix"))
		path := "/fiches/" + pid(forum)

		anon := s.browser(t)
		anon.get(path).expect(t, "anonymous page", http.StatusOK).contains(t, "anonymous page", "/login?next=%2Ffiches%2F"+pid(forum)+"%23contact")
		anon.post(path+"/contact", url.Values{"contact-message": {"Bonjour, je voudrais en savoir plus."}}).
			expect(t, "anonymous", http.StatusSeeOther, "/login?next=%2Ffiches%2F"+pid(forum))

		rd := s.browser(t)
		rd.login(w.Reader.Email, "/", "/")
		rd.get(path).expect(t, "reader's page", http.StatusOK).contains(t, "reader's page", `action="/fiches/`+pid(forum)+`/contact"`, "Contacter l’équipe")
		rd.post(path+"/contact", url.Values{"contact-message": {"Trop court"[:5]}}).
			expect(t, "too short", http.StatusBadRequest).contains(t, "too short", `id="contact-message-error"`, "de 10 à")
		rd.post(path+"/contact", url.Values{"contact-message": {strings.Repeat("é", passerelle.MaxContactLength+1)}}).
			expect(t, "too long", http.StatusBadRequest)
		text := "Bonjour, votre forum nous intéresse pour Tourcoing : pouvons-nous en parler ?"
		rd.post(path+"/contact", url.Values{"contact-message": {text}}).expect(t, "sent", http.StatusSeeOther, path+"#contact")

		var n passerelle.Notification
		waitFor(t, "the author's notification", func() bool {
			items, _, err := s.Service.Notifications(ctx, w.RoubaixAuthor)
			for _, it := range items {
				if it.Type == passerelle.NotifyContact {
					n = it
				}
			}
			return err == nil && n.ID != 0
		})
		if !strings.Contains(n.Message, w.Reader.Name) || !strings.Contains(n.Message, text) || strings.Contains(n.Message, w.Reader.Email) {
			t.Errorf("notification: %q", n.Message)
		}
		m := testenv.WaitMail(t, s.Outbox, "notification-"+idString(n.ID))
		if !strings.Contains(m.To, w.RoubaixAuthor.Email) || !strings.Contains(m.Text, "pouvons-nous en parler") {
			t.Errorf("e-mail: %+v", m)
		}
		if strings.Contains(m.Text, w.Reader.Email) || strings.Contains(m.Subject, w.Reader.Email) {
			t.Errorf("the e-mail reveals the reader's address: %+v", m)
		}
		entries, _, err := store.ListAudit(ctx, s.DB.Read, store.AuditFilter{Action: string(passerelle.AuditContact)})
		if err != nil || len(entries) != 1 || entries[0].ActorID != w.Reader.ID || entries[0].Target != pid(forum) {
			t.Errorf("audit: %+v, %v", entries, err)
		}

		// A reader who chooses to be answered by e-mail gives their
		// address to the author, and only then.
		if err := s.Service.ContactAuthor(ctx, w.LilleAuthor, forum.ID, "Répondez-moi par courriel, merci.", true); err != nil {
			t.Fatal(err)
		}
		var shared passerelle.Notification
		waitFor(t, "the shared address", func() bool {
			items, _, err := s.Service.Notifications(ctx, w.RoubaixAuthor)
			for _, it := range items {
				if it.Type == passerelle.NotifyContact && strings.Contains(it.Message, "Répondez-moi") {
					shared = it
				}
			}
			return err == nil && shared.ID != 0
		})
		if !strings.Contains(shared.Message, w.LilleAuthor.Email) {
			t.Errorf("the address the reader chose to give is missing: %q", shared.Message)
		}

		// The author has no form on their own sheet and may not write to
		// themselves.
		au := s.browser(t)
		au.login(w.RoubaixAuthor.Email, "/", "/")
		au.get(path).expect(t, "author's page", http.StatusOK).lacks(t, "author's page", `/contact"`)
		au.post(path+"/contact", url.Values{"contact-message": {text}}).expect(t, "own", http.StatusForbidden)

		// A disabled account is refused (its sessions stop at once; the
		// rule holds on its own too).
		disabled := *w.LilleAuthor
		now := time.Now()
		disabled.DisabledAt = &now
		if err := s.Service.ContactAuthor(ctx, &disabled, forum.ID, text, false); passerelle.ErrorCode(err) != passerelle.EForbidden {
			t.Errorf("disabled sender: %v", err)
		}

		// Five messages at once, then the sender waits.
		for i := 1; i < passerelle.ContactThrottle.Free; i++ {
			_ = i
			if err := s.Service.ContactAuthor(ctx, w.Reader, forum.ID, text, false); err != nil {
				t.Fatalf("message %d: %v", i+1, err)
			}
		}
		rd.post(path+"/contact", url.Values{"contact-message": {text}}).expect(t, "rate limited", http.StatusTooManyRequests).
			contains(t, "rate limited", "réessayez plus tard")
	})
}
