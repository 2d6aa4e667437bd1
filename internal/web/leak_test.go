package web_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/http"
	"net/http/httptest"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/testenv"
	"github.com/passerelle/passerelle/internal/web"
)

// The leak test: a unique marker in every part of a practice the public
// must not see (passerelle.Visibility) — each decision reason, each comment,
// the text of an earlier revision, the name of the moderator who claimed it,
// the names of the moderators who decided, the files and contents of drafts,
// submissions, rejected, withdrawn and archived practices — then every GET
// route of both route tables, with every practice, file and account id
// filled in, plus the harvesting and search variants, fetched by each party.
// No marker may reach the public (anonymous, a reader, a contributor and a
// moderator of another territory, a subscriber's e-mails); each reaches each
// participant of the review (the author, the moderator covering the
// territory, an administrator) somewhere. A route added to a table is
// fetched without anyone telling this test; a route with a path parameter
// this test cannot fill fails it, until leakParams learns it.

// leakParty is one caller of the leak test.
type leakParty struct {
	name        string
	user        *passerelle.User // nil: anonymous
	participant bool
	token       string
	cookie      string
}

// leakMarkers are the secrets of one run, by what they stand for.
type leakMarkers map[string]string

func (m leakMarkers) add(what string) string {
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	// Letters and digits only: no escaping (HTML, JSON, XML, CSV,
	// quoted-printable) can hide them.
	v := "zq" + strings.ToUpper(strings.ReplaceAll(what, " ", "")) + hex.EncodeToString(b)
	m[what] = v
	return v
}

// leakWorld is the practices of the test and the secrets they hold.
type leakWorld struct {
	published   *passerelle.Practice
	practices   []int64 // every practice, published or not
	attachments []int64
	markers     leakMarkers
	// participantOnly are the markers the participants must find
	// somewhere; the others (a file removed since) are nowhere at all.
	participantOnly []string
	publicMarker    string // in the published content: everyone finds it
}

func TestLeak(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{RunWorkers: true})
		w := testenv.NewWorld(t, b)
		svc := b.Service
		engine, _ := newEngine(t, false)
		logger := quietLogger()
		handler := web.New(svc, engine, web.Options{BaseURL: b.BaseURL, Dialect: dialect, Logger: logger})
		srv := httptest.NewServer(handler)
		t.Cleanup(srv.Close)

		lw := buildLeakWorld(t, b, w)
		var err error

		// The parties. The reader follows Lille: the publication reaches
		// them by e-mail and notification.
		parties := []*leakParty{
			{name: "anonymous"},
			{name: "reader", user: w.Reader},
			{name: "contributor elsewhere", user: w.RoubaixAuthor},
			{name: "moderator elsewhere", user: w.PasMod},
			{name: "author", user: w.LilleAuthor, participant: true},
			{name: "moderator", user: w.NordMod, participant: true},
			{name: "admin", user: w.Admin, participant: true},
		}
		for _, p := range parties {
			if p.user == nil {
				continue
			}
			if p.token, _, err = svc.CreateToken(ctx, p.user); err != nil {
				t.Fatal(err)
			}
			if p.cookie, _, err = svc.CreateSession(ctx, p.user); err != nil {
				t.Fatal(err)
			}
		}

		requests := leakRequests(t, handler.(chi.Routes), lw, w)
		client := &http.Client{Timeout: 60 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
		fetched := 0
		for _, party := range parties {
			found := map[string]string{} // marker → where a participant found it
			for _, req := range requests {
				status, body := leakFetch(t, client, srv.URL, party, req)
				fetched++
				// /healthz may say 503 honestly: its database check has a
				// 750 ms budget that a machine under -race and load can miss.
				if status >= 500 && req.path != "/healthz" {
					t.Errorf("%s: %s %s answered %d", party.name, req.method, req.path, status)
				}
				for what, m := range lw.markers {
					if !strings.Contains(body, m) {
						continue
					}
					if !party.participant || !slices.Contains(lw.participantOnly, m) {
						t.Errorf("LEAK: %s sees the %s in %s %s (status %d)", party.name, what, req.method, req.path, status)
					}
					found[m] = req.method + " " + req.path
				}
				if req.public && !strings.Contains(body, req.mustShow) {
					t.Errorf("%s: %s %s does not show the published practice (%s)", party.name, req.method, req.path, req.mustShow)
				}
			}
			if party.participant {
				for what, m := range lw.markers {
					if slices.Contains(lw.participantOnly, m) && found[m] == "" {
						t.Errorf("%s, who takes part in the review, sees the %s nowhere", party.name, what)
					}
				}
			}
			if !party.participant && party.user != nil {
				leakSearch(t, client, srv.URL, party, lw)
			}
		}
		leakSearch(t, client, srv.URL, parties[0], lw)
		t.Logf("%s: %d requests over %d routes and variants", dialect, fetched, len(requests))

		// The subscriber was told of the publication, without the review.
		told := func() bool {
			for _, m := range leakMails(t, b.Outbox) {
				if m.to == w.Reader.Email {
					return true
				}
			}
			return false
		}
		// Room for River's retries: under a loaded -race run a job that
		// failed waits 1 s, then 16 s, then 81 s before its next attempt.
		deadline := time.Now().Add(3 * time.Minute)
		for !told() && time.Now().Before(deadline) {
			time.Sleep(50 * time.Millisecond)
		}
		if !told() {
			for _, m := range leakMails(t, b.Outbox) {
				t.Logf("outbox: %s %q", m.to, m.subject)
			}
			var jobs []struct {
				Kind    string `bun:"kind"`
				State   string `bun:"state"`
				Attempt int    `bun:"attempt"`
				Errors  string `bun:"errors"`
			}
			_ = b.DB.Read.NewSelect().TableExpr("river_job").Column("kind", "state", "attempt").ColumnExpr("CAST(errors AS TEXT) AS errors").Scan(ctx, &jobs)
			for _, j := range jobs {
				t.Logf("job %s %s attempt %d %.300s", j.Kind, j.State, j.Attempt, j.Errors)
			}
			t.Fatal("timed out waiting for the subscriber's e-mail")
		}
		public := []string{w.Reader.Email, w.RoubaixAuthor.Email, w.PasMod.Email, w.MoulinsAuthor.Email}
		for _, m := range leakMails(t, b.Outbox) {
			for what, mk := range lw.markers {
				if strings.Contains(m.text, mk) && slices.Contains(public, m.to) {
					t.Errorf("LEAK: the e-mail %q to %s holds the %s", m.subject, m.to, what)
				}
			}
		}
	})
}

// buildLeakWorld writes the practices of the test: one published after a
// full review, and one in each other state, each with its secrets.
func buildLeakWorld(t *testing.T, b *testenv.Bundle, w *testenv.World) *leakWorld {
	t.Helper()
	ctx := context.Background()
	svc := b.Service
	lw := &leakWorld{markers: leakMarkers{}}
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	secret := func(what string) string {
		m := lw.markers.add(what)
		lw.participantOnly = append(lw.participantOnly, m)
		return m
	}
	s := func(v string) *string { return &v }

	// The reader follows Lille's practices on education, for the e-mail of
	// the publication (the published practice's theme; not that of the
	// practice archived below, which subscribers saw while it was
	// published).
	_, err := svc.Subscribe(ctx, w.Reader, service.SubscriptionInput{Territory: "59350", Theme: "education", Frequency: "instant"})
	must(err)
	// A moderator whose name is the secret of a claim.
	claimer, err := svc.CreateUser(ctx, service.NewUser{Email: "claimer@example.org", Name: "Claude " + secret("claimer"),
		Password: testenv.Password, Lang: "fr"})
	must(err)
	must(svc.Grant(ctx, nil, service.GrantInput{Email: claimer.Email, Role: "moderator", Territory: "59"}))

	// The published practice, through a whole review.
	lw.publicMarker = "zqPUBLIC" + strings.ToUpper(hex.EncodeToString([]byte(time.Now().Format("150405"))))
	in := testenv.CompleteExperience("59350", "Forum de l'emploi")
	in.Themes = &[]string{"education"}
	in.Body = s("## Le forum\n\nUne première version : " + secret("earlier revision") + ".")
	p, err := svc.CreatePractice(ctx, w.LilleAuthor, in)
	must(err)
	a, err := svc.AddAttachment(ctx, w.LilleAuthor, p.ID, "programme.txt", strings.NewReader("Programme du forum."))
	must(err)
	lw.attachments = append(lw.attachments, a.ID)
	gone, err := svc.AddAttachment(ctx, w.LilleAuthor, p.ID, lw.markers.add("removed file")+".txt", strings.NewReader("Brouillon."))
	must(err)
	must(svc.RemoveAttachment(ctx, w.LilleAuthor, gone.ID))
	_, err = svc.Submit(ctx, w.LilleAuthor, p.ID)
	must(err)
	_, err = svc.Claim(ctx, claimer, p.ID, false)
	must(err)
	must(svc.Release(ctx, claimer, p.ID))
	_, err = svc.AddComment(ctx, w.NordMod, p.ID, "Question : "+secret("moderator's comment"), []string{"experience.results"})
	must(err)
	_, err = svc.AddComment(ctx, w.LilleAuthor, p.ID, "Réponse : "+secret("author's comment"), nil)
	must(err)
	_, err = svc.DecideOn(ctx, w.NordMod, p.ID, "request_changes", "À revoir : "+secret("reason of the changes requested"), []string{"body"})
	must(err)
	_, err = svc.UpdatePractice(ctx, w.LilleAuthor, p.ID, service.PracticeInput{Summary: s("Un forum. " + lw.publicMarker),
		Body: s("## Le forum\n\nDes entreprises rencontrent des habitants. " + lw.publicMarker)})
	must(err)
	_, err = svc.Submit(ctx, w.LilleAuthor, p.ID)
	must(err)
	_, err = svc.Decide(ctx, w.NordMod, p.ID, "approve", "Bravo : "+secret("reason of the approval"))
	must(err)
	_, err = svc.Archive(ctx, w.NordMod, p.ID, "Archivée : "+secret("reason of the archiving"))
	must(err)
	lw.published, err = svc.Unarchive(ctx, w.NordMod, p.ID, "Republiée : "+secret("reason of the restoring"))
	must(err)
	lw.practices = append(lw.practices, p.ID)

	// An update of the published practice under review: its text, its new
	// file and its conversation are the review's until it is approved
	// (passerelle/update.go); the public keeps reading the published one.
	upd, _, err := svc.StartUpdate(ctx, w.LilleAuthor, p.ID)
	must(err)
	lw.practices = append(lw.practices, upd.ID)
	_, err = svc.UpdatePractice(ctx, w.LilleAuthor, upd.ID, service.PracticeInput{Title: s("Forum " + secret("pending update's title")),
		Summary: s("Mis à jour : " + secret("pending update's summary")), Body: s("## Nouveau\n\n" + secret("pending update's body")),
		Version: upd.Version})
	must(err)
	ua, err := svc.AddAttachment(ctx, w.LilleAuthor, upd.ID, secret("pending update's file")+".txt", strings.NewReader("Nouveau programme."))
	must(err)
	lw.attachments = append(lw.attachments, ua.ID)
	_, err = svc.Submit(ctx, w.LilleAuthor, upd.ID)
	must(err)
	_, err = svc.AddComment(ctx, w.NordMod, upd.ID, "Mise à jour : "+secret("comment on the update"), nil)
	must(err)

	// A practice in each other state, its content a secret.
	other := func(status passerelle.Status) {
		t.Helper()
		m := secret(string(status) + " practice")
		in := testenv.CompleteExperience("59350", "Fiche "+m)
		in.Summary = s("Résumé " + m)
		p, err := svc.CreatePractice(ctx, w.LilleAuthor, in)
		must(err)
		lw.practices = append(lw.practices, p.ID)
		if status == passerelle.StatusDraft {
			a, err := svc.AddAttachment(ctx, w.LilleAuthor, p.ID, secret("draft's file")+".txt", strings.NewReader("Notes."))
			must(err)
			lw.attachments = append(lw.attachments, a.ID)
			return
		}
		_, err = svc.Submit(ctx, w.LilleAuthor, p.ID)
		must(err)
		switch status {
		case passerelle.StatusRejected:
			_, err = svc.Decide(ctx, w.NordMod, p.ID, "reject", "Refus : "+secret("reason of the rejection"))
		case passerelle.StatusWithdrawn:
			_, err = svc.Withdraw(ctx, w.LilleAuthor, p.ID)
		case passerelle.StatusArchived:
			if _, err = svc.Decide(ctx, w.NordMod, p.ID, "approve", ""); err == nil {
				_, err = svc.Archive(ctx, w.NordMod, p.ID, "")
			}
		}
		must(err)
	}
	for _, st := range []passerelle.Status{passerelle.StatusDraft, passerelle.StatusSubmitted, passerelle.StatusRejected,
		passerelle.StatusWithdrawn, passerelle.StatusArchived} {
		other(st)
	}
	return lw
}

// leakRequest is one representation to fetch.
type leakRequest struct {
	method, path string
	form         url.Values // a POST that only reads (OAI-PMH)
	// public: everyone must find mustShow in it (the published practice
	// is really there, the test is not looking at an empty page).
	public   bool
	mustShow string
}

// leakParams fills the path parameters of the routes, by parameter and by
// the route's beginning. A new parameter fails the test until it is here.
func leakParams(lw *leakWorld, w *testenv.World) func(route, param string) []string {
	ids := func(list []int64) []string {
		out := make([]string, len(list))
		for i, id := range list {
			out[i] = strconv.FormatInt(id, 10)
		}
		return out
	}
	practices, attachments := ids(lw.practices), ids(lw.attachments)
	return func(route, param string) []string {
		switch param {
		case "id":
			switch {
			case strings.HasPrefix(route, "/attachments/"), strings.HasPrefix(route, "/api/v1/attachments/"):
				return attachments
			case strings.HasPrefix(route, "/admin/utilisateurs/"), strings.HasPrefix(route, "/api/v1/users/"):
				return ids([]int64{w.LilleAuthor.ID, w.NordMod.ID})
			case strings.HasPrefix(route, "/fiches/"), strings.HasPrefix(route, "/api/v1/practices/"):
				return practices
			case strings.HasPrefix(route, "/rencontres/"), strings.HasPrefix(route, "/api/v1/meetings/"):
				return []string{"1"} // meetings hold no practice's review
			}
			return append(slices.Clone(practices), attachments...)
		case "aid":
			return attachments
		case "n":
			return []string{"1", "2"}
		case "code":
			return []string{"59350"}
		case "slug":
			return []string{"emploi"}
		case "chunk", "item", "file":
			return []string{"1"}
		case "width":
			return []string{"320"} // a cover's size
		case "token", "key":
			return []string{"unknown"}
		}
		return nil
	}
}

var routeParam = regexp.MustCompile(`\{([a-z]+)(:[^}]*)?\}`)

// leakRequests lists what the test fetches: every GET route of the tables
// with its parameters filled, and the variants that show more.
func leakRequests(t *testing.T, routes chi.Routes, lw *leakWorld, w *testenv.World) []leakRequest {
	t.Helper()
	fill := leakParams(lw, w)
	pid := strconv.FormatInt(lw.published.ID, 10)
	var out []leakRequest
	err := chi.Walk(routes, func(method, route string, _ http.Handler, _ ...func(http.Handler) http.Handler) error {
		if method != http.MethodGet {
			return nil
		}
		route = strings.TrimSuffix(route, "/*")
		paths := []string{route}
		for _, m := range routeParam.FindAllStringSubmatch(route, -1) {
			values := fill(route, m[1])
			if values == nil {
				t.Errorf("the leak test cannot fill {%s} of %s: teach leakParams", m[1], route)
				return nil
			}
			var next []string
			for _, p := range paths {
				for _, v := range values {
					next = append(next, strings.Replace(p, m[0], v, 1))
				}
			}
			paths = next
		}
		for _, p := range paths {
			out = append(out, leakRequest{method: http.MethodGet, path: p})
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	// Where the published practice must show, to everyone; and the
	// variants of the public lists and of harvesting.
	show := func(path, what string) {
		out = append(out, leakRequest{method: http.MethodGet, path: path, public: true, mustShow: what})
	}
	show("/fiches/"+pid, lw.publicMarker)
	show("/fiches/"+pid+".pdf", lw.publicMarker)
	show("/api/v1/practices/"+pid, lw.publicMarker)
	show("/api/v1/practices/"+pid+"/revisions", lw.publicMarker)
	show("/api/v1/practices/"+pid+"/history", `"approve"`)
	show("/api/v1/practices?territory=59350", pid)
	show("/api/v1/practices?q=entreprises", pid)
	show("/recherche?q=entreprises", "/fiches/"+pid)
	show("/territoires/59350", "/fiches/"+pid)
	show("/feeds/practices.atom", lw.publicMarker)
	show("/feeds/practices.atom?territory=59350", lw.publicMarker)
	show("/export/practices.csv", lw.publicMarker)
	show("/export/practices.csv?sep=semicolon", lw.publicMarker)
	show("/export/practices.xlsx", lw.publicMarker)
	show("/sitemap.xml", "/fiches/"+pid)
	for _, verb := range []string{"ListRecords", "ListIdentifiers"} {
		for _, prefix := range []string{"oai_dc", "qdc"} {
			what := lw.publicMarker
			if verb == "ListIdentifiers" {
				what = pid
			}
			show("/oai?verb="+verb+"&metadataPrefix="+prefix, what)
			out = append(out, leakRequest{method: http.MethodPost, path: "/oai", public: true, mustShow: what,
				form: url.Values{"verb": {verb}, "metadataPrefix": {prefix}}})
		}
	}
	for _, p := range []string{"/api/v1/practices?page=2", "/recherche?q=forum", "/outils", "/sitemaps/practices-1.xml",
		"/feeds/rencontres.atom", "/notifications", "/api/v1/notifications", "/api/v1/review-queue", "/relecture", "/mes-fiches"} {
		out = append(out, leakRequest{method: http.MethodGet, path: p})
	}
	return out
}

// leakFetch sends req as party (a bearer token for the API, the session
// cookie for the pages) and returns the status and the body as text: an
// xlsx file is unzipped.
func leakFetch(t *testing.T, c *http.Client, base string, party *leakParty, req leakRequest) (int, string) {
	t.Helper()
	var body io.Reader
	if req.form != nil {
		body = strings.NewReader(req.form.Encode())
	}
	r, err := http.NewRequest(req.method, base+req.path, body)
	if err != nil {
		t.Fatal(err)
	}
	if req.form != nil {
		r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if party.user != nil {
		r.Header.Set("Authorization", "Bearer "+party.token)
		r.AddCookie(&http.Cookie{Name: "passerelle_session", Value: party.cookie})
	}
	res, err := c.Do(r)
	if err != nil {
		t.Fatalf("%s %s: %v", req.method, req.path, err)
	}
	defer res.Body.Close()
	raw, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatalf("%s %s: %v", req.method, req.path, err)
	}
	ctype := res.Header.Get("Content-Type")
	if strings.Contains(ctype, "spreadsheetml") || strings.Contains(ctype, "zip") {
		return res.StatusCode, unzipText(t, raw)
	}
	if strings.HasPrefix(ctype, "application/pdf") {
		return res.StatusCode, pdfPlainText(t, raw) // pdf_test.go
	}
	return res.StatusCode, string(raw)
}

// unzipText concatenates the files of a zip archive (an xlsx workbook).
func unzipText(t *testing.T, raw []byte) string {
	t.Helper()
	z, err := zip.NewReader(bytes.NewReader(raw), int64(len(raw)))
	if err != nil {
		t.Fatalf("unzip: %v", err)
	}
	var sb strings.Builder
	for _, f := range z.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		sb.Write(b)
	}
	return sb.String()
}

// leakSearch looks for each marker with the search of the API and of the
// pages: the public finds no practice with it. (The page repeats what was
// searched for, so the marker itself is no sign: the results are.)
func leakSearch(t *testing.T, c *http.Client, base string, party *leakParty, lw *leakWorld) {
	t.Helper()
	for what, m := range lw.markers {
		_, body := leakFetch(t, c, base, party, leakRequest{method: http.MethodGet, path: "/api/v1/practices?q=" + url.QueryEscape(m)})
		if !strings.Contains(body, `"total":0`) {
			t.Errorf("LEAK: %s finds practices searching the API for the %s: %.300s", party.name, what, body)
		}
		_, body = leakFetch(t, c, base, party, leakRequest{method: http.MethodGet, path: "/recherche?q=" + url.QueryEscape(m)})
		for _, id := range lw.practices {
			if strings.Contains(body, `href="/fiches/`+strconv.FormatInt(id, 10)+`"`) {
				t.Errorf("LEAK: %s finds practice %d searching the pages for the %s", party.name, id, what)
			}
		}
	}
}

// leakMail is one message of the outbox, every text part decoded.
type leakMail struct {
	to, subject, text string
}

// leakMails reads every message of the outbox, decoding every part (text
// and HTML, quoted-printable or base64).
func leakMails(t *testing.T, outbox string) []leakMail {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(outbox, "*.eml"))
	var out []leakMail
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			continue // being written
		}
		msg, err := mail.ReadMessage(bytes.NewReader(raw))
		if err != nil {
			continue
		}
		to := msg.Header.Get("To")
		if a, err := mail.ParseAddress(to); err == nil {
			to = a.Address
		}
		subject, _ := new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
		var sb strings.Builder
		sb.WriteString(subject + "\n")
		decodePart(&sb, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), msg.Body)
		out = append(out, leakMail{to: to, subject: subject, text: sb.String()})
	}
	return out
}

func decodePart(sb *strings.Builder, ctype, encoding string, body io.Reader) {
	mt, params, err := mime.ParseMediaType(ctype)
	if err == nil && strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err != nil {
				return
			}
			decodePart(sb, p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p)
		}
	}
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, &newlineStripper{r: body})
	}
	b, _ := io.ReadAll(body)
	fmt.Fprintf(sb, "%s\n", b)
}

// newlineStripper drops the line breaks of a base64 body.
type newlineStripper struct{ r io.Reader }

func (n *newlineStripper) Read(p []byte) (int, error) {
	k, err := n.r.Read(p)
	j := 0
	for _, c := range p[:k] {
		if c != '\r' && c != '\n' {
			p[j] = c
			j++
		}
	}
	return j, err
}
