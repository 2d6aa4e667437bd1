package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/testenv"
)

// api sends a JSON request with a bearer token and decodes the answer.
func (b *browser) api(method, path, token, body string) (*response, map[string]any) {
	b.t.Helper()
	req, err := http.NewRequest(method, b.site.URL+path, strings.NewReader(body))
	if err != nil {
		b.t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+token)
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res := b.do(req)
	var out map[string]any
	_ = json.Unmarshal([]byte(res.Body), &out)
	return res, out
}

func tokenFor(t *testing.T, s *site, u *passerelle.User) string {
	t.Helper()
	tok, _, err := s.Service.CreateToken(context.Background(), u)
	if err != nil {
		t.Fatal(err)
	}
	return tok
}

// TestSubscriptionsAPI covers the subscription routes of the contract and
// marking one notification read.
func TestSubscriptionsAPI(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		b := s.browser(t)
		reader, other := tokenFor(t, s, s.World.Reader), tokenFor(t, s, s.World.Admin)
		tests := []struct {
			name   string
			body   string
			status int
			fields []string
		}{
			{name: "territory", body: `{"territory":"59","frequency":"instant"}`, status: 201},
			{name: "theme and kind", body: `{"theme":"emploi","kind":"tool","frequency":"daily"}`, status: 201},
			{name: "duplicate", body: `{"territory":"59","frequency":"weekly"}`, status: 409},
			{name: "no criterion", body: `{"frequency":"weekly"}`, status: 400, fields: []string{"territory"}},
			{name: "unknown values", body: `{"territory":"00","theme":"nope","kind":"poem","frequency":"hourly"}`, status: 400,
				fields: []string{"territory", "theme", "kind", "frequency"}},
		}
		var first string
		for _, tc := range tests {
			res, out := b.api("POST", "/api/v1/subscriptions", reader, tc.body)
			if res.Status != tc.status {
				t.Fatalf("%s: %d %s", tc.name, res.Status, res.Body)
			}
			if first == "" && res.Status == 201 {
				first = out["id"].(string)
			}
			for _, f := range tc.fields {
				if !strings.Contains(res.Body, `"`+f+`"`) || !strings.Contains(res.Body, "validation_failed") {
					t.Errorf("%s: %s does not name %s", tc.name, res.Body, f)
				}
			}
		}
		if res, _ := b.api("POST", "/api/v1/subscriptions", "", `{"territory":"59","frequency":"daily"}`); res.Status != 401 {
			t.Errorf("anonymous: %d", res.Status)
		}
		res, out := b.api("GET", "/api/v1/subscriptions", reader, "")
		if res.Status != 200 || len(out["items"].([]any)) != 2 {
			t.Fatalf("list: %s", res.Body)
		}
		if res, _ := b.api("DELETE", "/api/v1/subscriptions/"+first, other, ""); res.Status != 404 {
			t.Errorf("someone else's: %d", res.Status)
		}
		if res, _ := b.api("DELETE", "/api/v1/subscriptions/"+first, reader, ""); res.Status != 204 {
			t.Errorf("delete: %d %s", res.Status, res.Body)
		}

		// One notification read, and not someone else's.
		ctx := context.Background()
		p, err := s.Service.CreatePractice(ctx, s.World.LilleAuthor, testenv.CompleteExperience("59350", "Jardins partagés"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Service.Submit(ctx, s.World.LilleAuthor, p.ID); err != nil {
			t.Fatal(err)
		}
		waitFor(t, "the moderator's notification", func() bool {
			n, _ := store.UnreadCount(ctx, s.DB.Read, s.World.NordMod.ID)
			return n == 1
		})
		items, _, _ := s.Service.Notifications(ctx, s.World.NordMod)
		id := strconv.FormatInt(items[0].ID, 10)
		if res, _ := b.api("POST", "/api/v1/notifications/"+id+"/read", reader, ""); res.Status != 404 {
			t.Errorf("someone else's notification: %d", res.Status)
		}
		if res, _ := b.api("POST", "/api/v1/notifications/"+id+"/read", tokenFor(t, s, s.World.NordMod), ""); res.Status != 204 {
			t.Errorf("read: %d %s", res.Status, res.Body)
		}
		if n, _ := store.UnreadCount(ctx, s.DB.Read, s.World.NordMod.ID); n != 0 {
			t.Errorf("unread %d", n)
		}
	})
}

// TestFollowAndUnsubscribe: a reader follows a territory from its page, gets
// the e-mail of a publication below it, and stops these e-mails in one
// click from a mail client (cross-site, without cookies); a forged link
// changes nothing. Only admins open the job dashboard.
func TestFollowAndUnsubscribe(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		s := newSite(t, dialect)
		w := s.World
		b := s.browser(t)
		b.login(w.Reader.Email, "/territoires/59", "/territoires/59")
		// One button on the page; the frequency is chosen on the next one.
		b.get("/territoires/59").expect(t, "territory", 200).contains(t, "territory", `href="/suivre?territory=59"`)
		b.get("/themes/emploi").expect(t, "theme", 200).contains(t, "theme", `href="/suivre?theme=emploi"`)
		b.get("/suivre?territory=59").expect(t, "frequency", 200).contains(t, "frequency", `name="territory" value="59"`, `name="frequency"`)
		b.post("/abonnements", url.Values{"territory": {"59"}, "frequency": {"instant"}}).expect(t, "follow", 303, "/abonnements")
		b.get("/abonnements").expect(t, "subscriptions", 200).contains(t, "subscriptions", "Nord", "/abonnements/")
		b.post("/abonnements", url.Values{"frequency": {"instant"}}).expect(t, "follow nothing", 400).contains(t, "error", "error-summary")

		p, err := s.Service.CreatePractice(ctx, w.LilleAuthor, testenv.CompleteExperience("59350", "Jardins partagés"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Service.Submit(ctx, w.LilleAuthor, p.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Service.Decide(ctx, w.NordMod, p.ID, "approve", ""); err != nil {
			t.Fatal(err)
		}
		var msg *mail.Message
		waitFor(t, "the reader's e-mail", func() bool {
			files, _ := filepath.Glob(filepath.Join(s.Outbox, "*.eml"))
			for _, f := range files {
				data, _ := os.ReadFile(f)
				if m, err := mail.ReadMessage(strings.NewReader(string(data))); err == nil && strings.Contains(m.Header.Get("To"), w.Reader.Email) {
					msg = m
					return true
				}
			}
			return false
		})
		// The test site is http: the one-click header (RFC 8058) is for
		// https links only; the link takes the one-click POST all the same.
		if _, ok := msg.Header["List-Unsubscribe-Post"]; ok || msg.Header.Get("List-Id") == "" {
			t.Errorf("headers %v", msg.Header)
		}
		link, err := url.Parse(strings.Trim(msg.Header.Get("List-Unsubscribe"), "<>"))
		if err != nil || link.Path != "/unsubscribe" || link.Query().Get("token") == "" {
			t.Fatalf("List-Unsubscribe %q", msg.Header.Get("List-Unsubscribe"))
		}
		b.get("/notifications").expect(t, "notifications", 200).contains(t, "notifications", "Jardins partagés", "/lue")

		mailer := s.browser(t) // no cookies
		forged := link.Query().Get("token") + "A"
		mailer.get("/unsubscribe?token="+url.QueryEscape(forged)).expect(t, "forged", 400)
		mailer.post("/unsubscribe?token="+url.QueryEscape(forged), url.Values{"List-Unsubscribe": {"One-Click"}},
			"Origin", "https://webmail.example", "Sec-Fetch-Site", "cross-site").expect(t, "forged post", 400)
		if prefs, _ := store.EmailPreferences(ctx, s.DB.Read, w.Reader.ID); !prefs.Wants(passerelle.EmailNewPractices) {
			t.Fatal("a forged token changed the preferences")
		}
		mailer.get(link.RequestURI()).expect(t, "confirm", 200).contains(t, "confirm", `action="/unsubscribe"`, w.Reader.Email)
		if prefs, _ := store.EmailPreferences(ctx, s.DB.Read, w.Reader.ID); !prefs.Wants(passerelle.EmailNewPractices) {
			t.Fatal("opening the link changed the preferences")
		}
		mailer.post(link.RequestURI(), url.Values{"List-Unsubscribe": {"One-Click"}},
			"Origin", "https://webmail.example", "Sec-Fetch-Site", "cross-site").expect(t, "one click", 200)
		if prefs, _ := store.EmailPreferences(ctx, s.DB.Read, w.Reader.ID); prefs.Wants(passerelle.EmailNewPractices) || !prefs.Wants(passerelle.EmailDigests) {
			t.Errorf("preferences after one click: %+v", prefs)
		}
		// Other cross-site posts are still refused.
		b.post("/abonnements", url.Values{"territory": {"62"}, "frequency": {"daily"}}, "Origin", "https://evil.example", "Sec-Fetch-Site", "cross-site").
			expect(t, "cross-site follow", 403)

		b.get("/preferences").expect(t, "preferences", 200).contains(t, "preferences", `value="digests" checked`)
		b.get("/admin/jobs").expect(t, "dashboard as reader", 403)
		admin := s.browser(t)
		admin.login(w.Admin.Email, "/", "/")
		admin.get("/admin/jobs").expect(t, "dashboard", 301)
		admin.get("/admin/jobs/").expect(t, "dashboard", 200)
		// River UI lists jobs on both databases (completion is recorded in
		// batches, so the e-mail job may show a moment after the e-mail).
		waitFor(t, "River UI to list the completed e-mail job", func() bool {
			res := admin.get("/admin/jobs/api/jobs?state=completed&limit=20")
			return res.Status == 200 && strings.Contains(res.Body, "send_email")
		})
		admin.get("/admin/jobs/api/states").expect(t, "River UI states", 200).contains(t, "states", `"completed"`)
	})
}
