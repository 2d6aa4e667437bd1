package jobs_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
	"unicode"

	message "github.com/emersion/go-message"
	gomessage "github.com/emersion/go-message/mail"
	"golang.org/x/net/html"

	"github.com/passerelle/passerelle/internal/jobs"
	"github.com/passerelle/passerelle/internal/mail"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/testenv"
)

const strictSite = "https://passerelle.example.org"

// TestEveryEmailReadsStrictly drives every kind of e-mail Passerelle sends
// — each notification, the digest, the review reminder, the invitation and
// the password reset, in French and in English — through the real jobs to
// the outbox of an https site, and reads each .eml back with a strict RFC
// 5322 and MIME parser (go-message, not the library that wrote them): every
// header parses without defect, the list headers are there (one-click
// unsubscription over https), and the text and HTML parts say the same
// thing.
func TestEveryEmailReadsStrictly(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		outbox := filepath.Join(t.TempDir(), "outbox")
		sender, err := mail.New(mail.Config{From: "Passerelle <noreply@passerelle.example.org>", OutboxDir: outbox})
		if err != nil {
			t.Fatal(err)
		}
		b := testenv.Setup(t, dialect, testenv.Options{RunWorkers: true, Mail: sender, BaseURL: strictSite})
		w := testenv.NewWorld(t, b)
		svc := b.Service
		for _, u := range []*passerelle.User{w.Reader, w.PasMod} {
			if err := store.SetUserLang(ctx, b.DB.Bun, u.ID, "en"); err != nil {
				t.Fatal(err)
			}
		}
		if _, err := svc.Subscribe(ctx, w.Reader, service.SubscriptionInput{Territory: "59", Frequency: "instant"}); err != nil {
			t.Fatal(err)
		}
		for _, u := range []*passerelle.User{w.Admin, w.PasMod} {
			if _, err := svc.Subscribe(ctx, u, service.SubscriptionInput{Territory: "59", Frequency: "daily"}); err != nil {
				t.Fatal(err)
			}
		}

		// A practice asked to change, commented, then published and reused;
		// another rejected; a third waiting long enough to be reminded of.
		p := create(t, &bundle{Bundle: b, w: w}, w.LilleAuthor, "59350")
		must(t, func() error { _, err := svc.Submit(ctx, w.LilleAuthor, p.ID); return err })
		must(t, func() error {
			_, err := svc.AddComment(ctx, w.NordMod, p.ID, "Pouvez-vous préciser le public ?\nMerci « d’avance ».", nil)
			return err
		})
		must(t, func() error {
			_, err := svc.DecideOn(ctx, w.NordMod, p.ID, "request_changes", "Ajoutez les résultats chiffrés.", []string{"experience.results"})
			return err
		})
		must(t, func() error { _, err := svc.Submit(ctx, w.LilleAuthor, p.ID); return err })
		must(t, func() error { _, err := svc.Decide(ctx, w.NordMod, p.ID, "approve", ""); return err })
		must(t, func() error {
			_, err := svc.RecordReuse(ctx, w.RoubaixAuthor, p.ID, service.ReuseInput{Territory: "59512", Note: "Repris à Roubaix."})
			return err
		})
		rejected := create(t, &bundle{Bundle: b, w: w}, w.LilleAuthor, "59350")
		must(t, func() error { _, err := svc.Submit(ctx, w.LilleAuthor, rejected.ID); return err })
		must(t, func() error {
			_, err := svc.Decide(ctx, w.NordMod, rejected.ID, "reject", "Hors du champ de la politique de la ville.")
			return err
		})
		waiting := create(t, &bundle{Bundle: b, w: w}, w.LilleAuthor, "59350")
		must(t, func() error { _, err := svc.Submit(ctx, w.LilleAuthor, waiting.ID); return err })
		if _, err := b.DB.Bun.NewRaw("UPDATE practices SET submitted_at = ? WHERE id = ?", store.Now().Add(-20*24*time.Hour), waiting.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		must(t, func() error {
			_, err := svc.Invite(ctx, w.Admin, service.InvitationInput{Email: "nouvelle@example.org", Name: "Inès Nouvelle", Role: "contributor", Territory: "59", Lang: "en"})
			return err
		})
		must(t, func() error { return svc.RequestPasswordReset(ctx, w.RoubaixAuthor.Email) })

		// The digest and the reminders, as their schedules would.
		waitFor(t, func() bool { return len(kinds(t, b, outbox)["new"]) > 0 })
		must(t, func() error {
			_, err := b.River.Insert(ctx, jobs.DigestArgs{Frequency: "daily", Slot: "test"}, nil)
			return err
		})
		must(t, func() error { _, err := b.River.Insert(ctx, jobs.ReviewRemindersArgs{}, nil); return err })

		want := []string{"practice.submitted", "practice.comment", "practice.changes_requested", "practice.published",
			"practice.rejected", "new", "practice.reused", "digest", "reminder", "invitation", "password-reset"}
		var got map[string][]string
		waitFor(t, func() bool {
			got = kinds(t, b, outbox)
			for _, k := range want {
				if len(got[k]) == 0 {
					return false
				}
			}
			return true
		})
		langs := map[string]bool{}
		for kind, files := range got {
			for _, f := range files {
				raw, err := os.ReadFile(f)
				if err != nil {
					t.Fatal(err)
				}
				lang := checkStrict(t, kind+" "+filepath.Base(f), raw)
				langs[lang] = true
			}
		}
		if !langs["fr"] || !langs["en"] {
			t.Errorf("languages seen: %v, want French and English", langs)
		}
	})
}

func must(t *testing.T, fn func() error) {
	t.Helper()
	if err := fn(); err != nil {
		t.Fatal(err)
	}
}

// waitFor polls cond for up to a minute (a busy machine runs the jobs late).
func waitFor(t *testing.T, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatal("the e-mails did not all come within a minute")
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// kinds sorts the outbox's files by kind of e-mail: the notification's type
// (practice.new as "new"), or the key's prefix.
func kinds(t *testing.T, b *testenv.Bundle, outbox string) map[string][]string {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(outbox, "*.eml"))
	out := map[string][]string{}
	for _, f := range files {
		key := strings.TrimSuffix(filepath.Base(f), ".eml")
		kind := strings.TrimRight(key, "0123456789-")
		if kind == "reminder" || strings.HasPrefix(key, "reminder-") {
			kind = "reminder"
		}
		if id, ok := strings.CutPrefix(key, "notification-"); ok {
			var typ string
			if err := b.DB.Read.NewSelect().TableExpr("notifications").ColumnExpr("type").Where("id = ?", id).Scan(context.Background(), &typ); err != nil {
				t.Fatal(err)
			}
			kind = typ
			if typ == passerelle.NotifyNew {
				kind = "new"
			}
		}
		out[kind] = append(out[kind], f)
	}
	return out
}

// checkStrict reads one .eml strictly and returns the language of its HTML
// part.
func checkStrict(t *testing.T, name string, raw []byte) string {
	t.Helper()
	// Lines: CRLF only, at most 998 octets; headers in ASCII (RFC 5322
	// 2.1.1, 2.2).
	head, _, ok := bytes.Cut(raw, []byte("\r\n\r\n"))
	if !ok {
		t.Errorf("%s: no blank line after the headers", name)
	}
	for i, line := range bytes.Split(raw, []byte("\r\n")) {
		if len(line) > 998 || bytes.ContainsAny(line, "\r\n") {
			t.Errorf("%s: line %d is too long or has a bare CR/LF", name, i+1)
		}
	}
	for _, c := range head {
		if c > 126 || (c < 32 && c != '\r' && c != '\n' && c != '\t') {
			t.Errorf("%s: a header holds the byte %#x", name, c)
			break
		}
	}
	e, err := message.Read(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	h := gomessage.Header{Header: e.Header}
	for _, field := range []string{"From", "To"} {
		if list, err := h.AddressList(field); err != nil || len(list) != 1 {
			t.Errorf("%s: %s %q: %v", name, field, h.Get(field), err)
		}
	}
	if _, err := h.Date(); err != nil {
		t.Errorf("%s: Date %q: %v", name, h.Get("Date"), err)
	}
	if id, err := h.MessageID(); err != nil || !strings.HasSuffix(id, "@passerelle.example.org") {
		t.Errorf("%s: Message-ID %q: %v", name, h.Get("Message-Id"), err)
	}
	if s, err := h.Subject(); err != nil || s == "" {
		t.Errorf("%s: Subject %q: %v", name, h.Get("Subject"), err)
	}
	if h.Get("Auto-Submitted") != "auto-generated" || h.Get("Mime-Version") != "1.0" {
		t.Errorf("%s: Auto-Submitted %q, MIME-Version %q", name, h.Get("Auto-Submitted"), h.Get("Mime-Version"))
	}
	account := strings.HasPrefix(name, "invitation") || strings.HasPrefix(name, "password-reset")
	if !account {
		if h.Get("List-Id") != "Passerelle <notifications.passerelle.example.org>" {
			t.Errorf("%s: List-Id %q", name, h.Get("List-Id"))
		}
		if l := h.Get("List-Unsubscribe"); !strings.HasPrefix(l, "<"+strictSite+"/unsubscribe?token=") || !strings.HasSuffix(l, ">") {
			t.Errorf("%s: List-Unsubscribe %q", name, l)
		}
		if h.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
			t.Errorf("%s: List-Unsubscribe-Post %q", name, h.Get("List-Unsubscribe-Post"))
		}
	}

	var text, htm string
	mr, err := gomessage.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		ih, ok := part.Header.(*gomessage.InlineHeader)
		if !ok {
			continue
		}
		ct, params, err := ih.ContentType()
		if err != nil || params["charset"] != "UTF-8" && params["charset"] != "utf-8" {
			t.Errorf("%s: part %s %v: %v", name, ct, params, err)
		}
		body, err := io.ReadAll(part.Body)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		switch ct {
		case "text/plain":
			text = string(body)
		case "text/html":
			htm = string(body)
		}
	}
	if text == "" || htm == "" {
		t.Fatalf("%s: text part %d bytes, HTML part %d bytes", name, len(text), len(htm))
	}
	lang := sameThing(t, name, text, htm)
	if !account && !strings.Contains(text, strictSite+"/unsubscribe?token=") {
		t.Errorf("%s: no unsubscribe link in the text", name)
	}
	return lang
}

var urlPattern = regexp.MustCompile(`https?://\S+`)

// sameThing checks that the text and the HTML part say the same thing: the
// same links, every line of the text in the HTML, every paragraph of the
// HTML in the text (comparing words, punctuation aside). It returns the
// HTML's language.
func sameThing(t *testing.T, name, text, htm string) string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(htm))
	if err != nil {
		t.Fatalf("%s: HTML: %v", name, err)
	}
	var lang string
	var hrefs []string
	var blocks []string
	var visit func(n *html.Node, inBlock *strings.Builder)
	visit = func(n *html.Node, inBlock *strings.Builder) {
		if n.Type == html.ElementNode {
			switch n.Data {
			case "html":
				for _, a := range n.Attr {
					if a.Key == "lang" {
						lang = a.Val
					}
				}
			case "head", "style", "script":
				return
			case "a":
				for _, a := range n.Attr {
					if a.Key == "href" {
						hrefs = append(hrefs, a.Val)
					}
				}
			case "p", "li", "blockquote", "h1", "h2", "h3", "td":
				if inBlock == nil {
					var sb strings.Builder
					for c := n.FirstChild; c != nil; c = c.NextSibling {
						visit(c, &sb)
					}
					blocks = append(blocks, sb.String())
					return
				}
			case "br":
				if inBlock != nil {
					inBlock.WriteString(" ")
				}
			}
		}
		if n.Type == html.TextNode && inBlock != nil {
			inBlock.WriteString(n.Data)
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			visit(c, inBlock)
		}
	}
	visit(doc, nil)

	links := urlPattern.FindAllString(text, -1)
	slices.Sort(links)
	slices.Sort(hrefs)
	if !slices.Equal(slices.Compact(links), slices.Compact(hrefs)) {
		t.Errorf("%s: links differ:\ntext %v\nHTML %v", name, links, hrefs)
	}
	textWords := words(urlPattern.ReplaceAllString(text, " "))
	htmlWords := words(urlPattern.ReplaceAllString(strings.Join(blocks, " "), " "))
	for _, line := range strings.Split(urlPattern.ReplaceAllString(text, " "), "\n") {
		if w := words(line); len(w) > 0 && !containsRun(htmlWords, w) && strings.TrimSpace(line) != "--" {
			t.Errorf("%s: the text says %q, the HTML does not", name, strings.TrimSpace(line))
		}
	}
	for _, b := range blocks {
		if w := words(urlPattern.ReplaceAllString(b, " ")); len(w) > 0 && !containsRun(textWords, w) {
			t.Errorf("%s: the HTML says %q, the text does not", name, strings.Join(strings.Fields(b), " "))
		}
	}
	if lang != "fr" && lang != "en" {
		t.Errorf("%s: HTML lang %q", name, lang)
	}
	return lang
}

// words splits s into lower-case words, punctuation dropped.
func words(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool { return !unicode.IsLetter(r) && !unicode.IsDigit(r) })
}

// containsRun reports whether run appears in ws, word after word.
func containsRun(ws, run []string) bool {
	for i := 0; i+len(run) <= len(ws); i++ {
		if slices.Equal(ws[i:i+len(run)], run) {
			return true
		}
	}
	return false
}
