package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/testenv"
	"github.com/passerelle/passerelle/internal/web"
)

// The access matrix: every route that reaches a practice, a review, a
// notification or the administration, asked by every kind of caller —
// anonymous, reader, the practice's author, and contributors, moderators
// and an administrator — where the caller's role lies on the same territory
// as the object, above it (ancestor), below it (descendant), beside it
// (sibling) or in another branch (none). Each row says what each caller
// must get. A route that reaches an object by id answers 404 — never the
// object — to whoever the roles do not cover.
//
// The tree (the object is always on Lille, 59350):
//
//	32 Hauts-de-France              11 Île-de-France
//	└── 59 Nord           ancestor  └── 75056 Paris   none
//	    ├── 59350 Lille   same
//	    │   └── qpv-o     descendant
//	    └── 59512 Roubaix sibling

// The callers, in the order of the columns of want.
var matrixCallers = []string{
	"anonymous", "reader", "author",
	"contributor/same", "contributor/ancestor", "contributor/descendant", "contributor/sibling", "contributor/none",
	"moderator/same", "moderator/ancestor", "moderator/descendant", "moderator/sibling", "moderator/none",
	"admin",
}

// mxRelations maps a relation to the territory of the caller's role.
var mxRelations = map[string]string{"same": "59350", "ancestor": "59", "descendant": "qpv-o", "sibling": "59512", "none": "75056"}

// mxAbsent marks a list answered 200 that must not hold the object.
const mxAbsent = 1200

type matrix struct {
	t      *testing.T
	b      *testenv.Bundle
	url    string
	users  map[string]*passerelle.User // by caller (and "helper", the moderator who publishes, and "author")
	tokens map[string]string
	cookie map[string]string
	seq    int
}

func newMatrix(t *testing.T, dialect string) *matrix {
	t.Helper()
	ctx := context.Background()
	b := testenv.Setup(t, dialect, testenv.Options{RunWorkers: true})
	svc := b.Service
	for _, ter := range []passerelle.Territory{
		{Code: "32", Name: "Hauts-de-France", Level: passerelle.LevelRegion},
		{Code: "59", Name: "Nord", Level: passerelle.LevelDepartment, ParentCode: "32"},
		{Code: "59350", Name: "Lille", Level: passerelle.LevelCommune, ParentCode: "59"},
		{Code: "qpv-o", Name: "Moulins", Level: passerelle.LevelQPV, ParentCode: "59350"},
		{Code: "59512", Name: "Roubaix", Level: passerelle.LevelCommune, ParentCode: "59"},
		{Code: "11", Name: "Île-de-France", Level: passerelle.LevelRegion},
		{Code: "75056", Name: "Paris", Level: passerelle.LevelCommune, ParentCode: "11"},
	} {
		if err := svc.AddTerritory(ctx, nil, ter); err != nil {
			t.Fatal(err)
		}
	}
	for _, th := range testenv.Themes {
		if err := svc.AddTheme(ctx, nil, th); err != nil {
			t.Fatal(err)
		}
	}
	m := &matrix{t: t, b: b, users: map[string]*passerelle.User{}, tokens: map[string]string{}, cookie: map[string]string{}}
	add := func(name string, admin bool, role, territory string) {
		email := strings.NewReplacer("/", ".").Replace(name) + "@example.org"
		u, err := svc.CreateUser(ctx, service.NewUser{Email: email, Name: name, Password: testenv.Password, Admin: admin})
		if err != nil {
			t.Fatal(err)
		}
		if role != "" {
			if err := svc.Grant(ctx, nil, service.GrantInput{Email: email, Role: role, Territory: territory}); err != nil {
				t.Fatal(err)
			}
		}
		m.users[name] = u
	}
	add("reader", false, "", "")
	add("author", false, "contributor", "59350")
	add("helper", false, "moderator", "32")
	add("target", false, "", "")
	for rel, code := range mxRelations {
		add("contributor/"+rel, false, "contributor", code)
		add("moderator/"+rel, false, "moderator", code)
	}
	add("admin", true, "", "")
	for _, c := range matrixCallers[1:] {
		var err error
		if m.tokens[c], _, err = svc.CreateToken(ctx, m.users[c]); err != nil {
			t.Fatal(err)
		}
		if m.cookie[c], _, err = svc.CreateSession(ctx, m.users[c]); err != nil {
			t.Fatal(err)
		}
	}
	engine, _ := newEngine(t, false)
	srv := httptest.NewServer(testenv.CheckAPI(t, web.New(svc, engine, web.Options{BaseURL: b.BaseURL, Dialect: dialect, Logger: b.Service.Logger})))
	t.Cleanup(srv.Close)
	m.url = srv.URL
	m.b = b
	return m
}

// practice creates a complete experience report of the author on Lille and
// brings it to status.
func (m *matrix) practice(status string) int64 {
	m.t.Helper()
	ctx := context.Background()
	svc := m.b.Service
	m.seq++
	p, err := svc.CreatePractice(ctx, m.users["author"], testenv.CompleteExperience("59350", fmt.Sprintf("Fiche %d", m.seq)))
	if err != nil {
		m.t.Fatal(err)
	}
	step := func(err error) {
		if err != nil {
			m.t.Fatalf("bring practice to %s: %v", status, err)
		}
	}
	if status == "draft" {
		return p.ID
	}
	_, err = svc.Submit(ctx, m.users["author"], p.ID)
	step(err)
	switch status {
	case "published", "archived":
		_, err = svc.Decide(ctx, m.users["helper"], p.ID, "approve", "")
		step(err)
		if status == "archived" {
			_, err = svc.Archive(ctx, m.users["helper"], p.ID, "")
			step(err)
		}
	case "changes_requested":
		_, err = svc.Decide(ctx, m.users["helper"], p.ID, "request_changes", "Précisez les résultats.")
		step(err)
	}
	return p.ID
}

// attachment adds a file to a draft of the author and returns its id.
func (m *matrix) attachment(practice int64) int64 {
	m.t.Helper()
	a, err := m.b.Service.AddAttachment(context.Background(), m.users["author"], practice, "notes.txt", strings.NewReader("Compte rendu de l'atelier."))
	if err != nil {
		m.t.Fatal(err)
	}
	return a.ID
}

// invitation creates an invitation to a contributor on Lille.
func (m *matrix) invitation() int64 {
	m.t.Helper()
	m.seq++
	inv, err := m.b.Service.Invite(context.Background(), m.users["admin"], service.InvitationInput{
		Email: fmt.Sprintf("invite%d@example.org", m.seq), Name: "Invitée", Role: "contributor", Territory: "59350"})
	if err != nil {
		m.t.Fatal(err)
	}
	return inv.ID
}

// mxRequest is what one row sends.
type mxRequest struct {
	method, path string
	json         any    // body as JSON
	csv          string // body as text/csv
	upload       string // a multipart file field "file" with this content
	form         url.Values
	page         bool // a page for people: the session cookie instead of a token
}

// do sends req as caller and returns the status and the body.
func (m *matrix) do(caller string, req mxRequest) (int, string) {
	m.t.Helper()
	var body io.Reader
	ctype := ""
	switch {
	case req.json != nil:
		b, _ := json.Marshal(req.json)
		body, ctype = bytes.NewReader(b), "application/json"
	case req.csv != "":
		body, ctype = strings.NewReader(req.csv), "text/csv"
	case req.form != nil:
		body, ctype = strings.NewReader(req.form.Encode()), "application/x-www-form-urlencoded"
	case req.upload != "":
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		fw, _ := mw.CreateFormFile("file", "notes.txt")
		_, _ = fw.Write([]byte(req.upload))
		_ = mw.Close()
		body, ctype = &buf, mw.FormDataContentType()
	}
	r, err := http.NewRequest(req.method, m.url+req.path, body)
	if err != nil {
		m.t.Fatal(err)
	}
	if ctype != "" {
		r.Header.Set("Content-Type", ctype)
	}
	if caller != "anonymous" {
		if req.page {
			r.AddCookie(&http.Cookie{Name: "passerelle_session", Value: m.cookie[caller]})
		} else {
			r.Header.Set("Authorization", "Bearer "+m.tokens[caller])
		}
	}
	client := &http.Client{Timeout: 30 * time.Second, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	res, err := client.Do(r)
	if err != nil {
		m.t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// statuses parses a row of want: 14 statuses, "200-" for a list that must
// not hold the object; "|" separates the groups of callers for reading.
func mxStatuses(t *testing.T, row string) []int {
	t.Helper()
	var out []int
	for _, f := range strings.Fields(strings.ReplaceAll(row, "|", " ")) {
		if f == "200-" {
			out = append(out, mxAbsent)
			continue
		}
		n, err := strconv.Atoi(f)
		if err != nil {
			t.Fatalf("bad status %q in %q", f, row)
		}
		out = append(out, n)
	}
	if len(out) != len(matrixCallers) {
		t.Fatalf("row %q has %d statuses, want %d", row, len(out), len(matrixCallers))
	}
	return out
}

// Rows of want read, by group of callers:
//
//	anonymous reader author | contributor: same ancestor descendant sibling none | moderator: same ancestor descendant sibling none | admin
const (
	readUnpublished = "404 404 200 | 404 404 404 404 404 | 200 200 404 404 404 | 200"
	readPublished   = "200 200 200 | 200 200 200 200 200 | 200 200 200 200 200 | 200"
	authorOnly      = "401 404 200 | 404 404 404 404 404 | 403 403 404 404 404 | 403"
	authorCreates   = "401 404 201 | 404 404 404 404 404 | 403 403 404 404 404 | 403"
	authorDeletes   = "401 404 204 | 404 404 404 404 404 | 403 403 404 404 404 | 403"
	moderatorOnly   = "401 404 403 | 404 404 404 404 404 | 200 200 404 404 404 | 200"
	participants    = "404 404 200 | 404 404 404 404 404 | 200 200 404 404 404 | 200"
	participantsAdd = "401 404 201 | 404 404 404 404 404 | 201 201 404 404 404 | 201"
	adminOnly       = "401 403 403 | 403 403 403 403 403 | 403 403 403 403 403 | 200"
	adminCreates    = "401 403 403 | 403 403 403 403 403 | 403 403 403 403 403 | 201"
	adminPage       = "303 403 403 | 403 403 403 403 403 | 403 403 403 403 403 | 200"
)

type matrixRow struct {
	name  string
	setup func(m *matrix) map[string]int64 // fresh objects for each caller: {id}, {aid}, ...
	req   func(ids map[string]int64) mxRequest
	want  string
	fresh bool // call setup again once a caller succeeded (the request changed the object); refusals change nothing
}

func mxPractice(status string, extra ...func(m *matrix, ids map[string]int64)) func(m *matrix) map[string]int64 {
	return func(m *matrix) map[string]int64 {
		ids := map[string]int64{"id": m.practice(status)}
		for _, e := range extra {
			e(m, ids)
		}
		return ids
	}
}

func mxWithAttachment(m *matrix, ids map[string]int64) { ids["aid"] = m.attachment(ids["id"]) }

// mxUpdate publishes a practice {id} with a file {aid}, then opens the
// author's update {upd} of it.
func mxUpdate(extra ...func(m *matrix, ids map[string]int64)) func(m *matrix) map[string]int64 {
	return func(m *matrix) map[string]int64 {
		ctx := context.Background()
		svc := m.b.Service
		ids := map[string]int64{"id": m.practice("draft")}
		ids["aid"] = m.attachment(ids["id"])
		if _, err := svc.Submit(ctx, m.users["author"], ids["id"]); err != nil {
			m.t.Fatal(err)
		}
		if _, err := svc.Decide(ctx, m.users["helper"], ids["id"], "approve", ""); err != nil {
			m.t.Fatal(err)
		}
		upd, _, err := svc.StartUpdate(ctx, m.users["author"], ids["id"])
		if err != nil {
			m.t.Fatal(err)
		}
		ids["upd"] = upd.ID
		for _, e := range extra {
			e(m, ids)
		}
		return ids
	}
}

// mxWithRemovals has the update {upd} remove the file {aid} and the cover
// of the published {id}.
func mxWithRemovals(m *matrix, ids map[string]int64) {
	ctx := context.Background()
	if _, err := m.b.Service.RemoveAttachmentOf(ctx, m.users["author"], ids["upd"], ids["aid"]); err != nil {
		m.t.Fatal(err)
	}
	if err := m.b.Service.RemoveCover(ctx, m.users["author"], ids["upd"]); err != nil {
		m.t.Fatal(err)
	}
}

func mxPath(format string, keys ...string) func(ids map[string]int64) string {
	return func(ids map[string]int64) string {
		args := make([]any, len(keys))
		for i, k := range keys {
			args[i] = ids[k]
		}
		return fmt.Sprintf(format, args...)
	}
}

func mxGet(p func(map[string]int64) string) func(map[string]int64) mxRequest {
	return func(ids map[string]int64) mxRequest { return mxRequest{method: http.MethodGet, path: p(ids)} }
}

func mxPage(p func(map[string]int64) string) func(map[string]int64) mxRequest {
	return func(ids map[string]int64) mxRequest {
		return mxRequest{method: http.MethodGet, path: p(ids), page: true}
	}
}

func mxSend(method string, p func(map[string]int64) string, body any) func(map[string]int64) mxRequest {
	return func(ids map[string]int64) mxRequest { return mxRequest{method: method, path: p(ids), json: body} }
}

func mxNone(*matrix) map[string]int64 { return map[string]int64{} }

func TestAccessMatrix(t *testing.T) {
	rows := []matrixRow{
		// Reading a practice, its history and its revisions.
		{name: "GET draft", setup: mxPractice("draft"), req: mxGet(mxPath("/api/v1/practices/%d", "id")), want: readUnpublished},
		{name: "GET submitted", setup: mxPractice("submitted"), req: mxGet(mxPath("/api/v1/practices/%d", "id")), want: readUnpublished},
		{name: "GET changes requested", setup: mxPractice("changes_requested"), req: mxGet(mxPath("/api/v1/practices/%d", "id")), want: readUnpublished},
		{name: "GET published", setup: mxPractice("published"), req: mxGet(mxPath("/api/v1/practices/%d", "id")), want: readPublished},
		{name: "GET archived", setup: mxPractice("archived"), req: mxGet(mxPath("/api/v1/practices/%d", "id")), want: readUnpublished},
		{name: "history of a draft", setup: mxPractice("draft"), req: mxGet(mxPath("/api/v1/practices/%d/history", "id")), want: readUnpublished},
		{name: "history of a published practice", setup: mxPractice("published"), req: mxGet(mxPath("/api/v1/practices/%d/history", "id")), want: readPublished},
		{name: "revisions of a submission", setup: mxPractice("submitted"), req: mxGet(mxPath("/api/v1/practices/%d/revisions", "id")), want: readUnpublished},
		{name: "diff of a submission", setup: mxPractice("submitted"), req: mxGet(mxPath("/api/v1/practices/%d/revisions/1/diff", "id")), want: readUnpublished},
		{name: "page of a draft", setup: mxPractice("draft"), req: mxPage(mxPath("/fiches/%d", "id")), want: readUnpublished},
		{name: "page of a submission", setup: mxPractice("submitted"), req: mxPage(mxPath("/fiches/%d", "id")), want: readUnpublished},
		{name: "page of a published practice", setup: mxPractice("published"), req: mxPage(mxPath("/fiches/%d", "id")), want: readPublished},
		{name: "edit page of a draft", setup: mxPractice("draft"), req: mxPage(mxPath("/fiches/%d/modifier", "id")),
			want: "303 404 200 | 404 404 404 404 404 | 403 403 404 404 404 | 403"},

		// Writing: the author's transitions, the moderators' decisions.
		{name: "create a practice on Lille", setup: mxNone, fresh: true, req: func(map[string]int64) mxRequest {
			return mxRequest{method: http.MethodPost, path: "/api/v1/practices", json: map[string]any{"title": "Nouvelle fiche", "territory": "59350"}}
		}, want: "401 403 201 | 201 201 403 403 403 | 403 403 403 403 403 | 201"},
		{name: "edit a draft", setup: mxPractice("draft"), fresh: true, req: mxSend(http.MethodPatch, mxPath("/api/v1/practices/%d", "id"), map[string]string{"title": "Titre revu"}), want: authorOnly},
		{name: "submit a draft", setup: mxPractice("draft"), fresh: true, req: mxSend(http.MethodPost, mxPath("/api/v1/practices/%d/submit", "id"), nil), want: authorOnly},
		{name: "withdraw a submission", setup: mxPractice("submitted"), fresh: true, req: mxSend(http.MethodPost, mxPath("/api/v1/practices/%d/withdraw", "id"), nil), want: authorOnly},
		{name: "delete a draft", setup: mxPractice("draft"), fresh: true, req: mxSend(http.MethodDelete, mxPath("/api/v1/practices/%d", "id"), nil), want: authorDeletes},
		{name: "approve a submission", setup: mxPractice("submitted"), fresh: true,
			req: mxSend(http.MethodPost, mxPath("/api/v1/practices/%d/decision", "id"), map[string]string{"decision": "approve"}), want: moderatorOnly},
		{name: "reject a submission", setup: mxPractice("submitted"), fresh: true,
			req: mxSend(http.MethodPost, mxPath("/api/v1/practices/%d/decision", "id"), map[string]string{"decision": "reject", "comment": "Hors sujet."}), want: moderatorOnly},
		{name: "confirm a published practice current", setup: mxPractice("published"), fresh: true,
			req:  mxSend(http.MethodPost, mxPath("/api/v1/practices/%d/confirm", "id"), nil),
			want: "401 403 200 | 403 403 403 403 403 | 200 200 403 403 403 | 200"},
		{name: "start an update of a published practice", setup: mxPractice("published"), fresh: true,
			req:  mxSend(http.MethodPost, mxPath("/api/v1/practices/%d/update", "id"), nil),
			want: "401 403 201 | 403 403 403 403 403 | 403 403 403 403 403 | 403"},
		{name: "start an update of a draft", setup: mxPractice("draft"), fresh: true,
			req:  mxSend(http.MethodPost, mxPath("/api/v1/practices/%d/update", "id"), nil),
			want: "401 404 409 | 404 404 404 404 404 | 403 403 404 404 404 | 403"},
		{name: "start an update through the page", setup: mxPractice("published"), fresh: true, req: func(ids map[string]int64) mxRequest {
			return mxRequest{method: http.MethodPost, path: fmt.Sprintf("/fiches/%d/mise-a-jour", ids["id"]), page: true, form: url.Values{}}
		}, want: "303 403 303 | 403 403 403 403 403 | 403 403 403 403 403 | 403"},
		{name: "archive a published practice", setup: mxPractice("published"), fresh: true, req: mxSend(http.MethodPost, mxPath("/api/v1/practices/%d/archive", "id"), nil),
			want: "401 403 403 | 403 403 403 403 403 | 200 200 403 403 403 | 200"},
		{name: "unarchive", setup: mxPractice("archived"), fresh: true, req: mxSend(http.MethodPost, mxPath("/api/v1/practices/%d/unarchive", "id"), nil), want: moderatorOnly},
		{name: "autosave a draft", setup: mxPractice("draft"), fresh: true, req: func(ids map[string]int64) mxRequest {
			return mxRequest{method: http.MethodPost, path: fmt.Sprintf("/fiches/%d/brouillon", ids["id"]), page: true,
				form: url.Values{"title": {"Titre revu"}}}
		}, want: "401 404 200 | 404 404 404 404 404 | 403 403 404 404 404 | 403"},
		{name: "remove the cover of a draft", setup: mxPractice("draft"), fresh: true, req: func(ids map[string]int64) mxRequest {
			return mxRequest{method: http.MethodPost, path: fmt.Sprintf("/fiches/%d/couverture/supprimer", ids["id"]), page: true, form: url.Values{}}
		}, want: "303 404 303 | 404 404 404 404 404 | 403 403 404 404 404 | 403"},
		{name: "remove a published file through an update", setup: mxUpdate(), fresh: true, req: func(ids map[string]int64) mxRequest {
			return mxRequest{method: http.MethodPost, path: fmt.Sprintf("/fiches/%d/pieces-jointes/%d/supprimer", ids["upd"], ids["aid"]), page: true, form: url.Values{}}
		}, want: "303 404 303 | 404 404 404 404 404 | 403 403 404 404 404 | 403"},
		{name: "remove a published file through an update, by the API", setup: mxUpdate(), fresh: true,
			req: mxSend(http.MethodDelete, mxPath("/api/v1/practices/%d/attachments/%d", "upd", "aid"), nil), want: authorDeletes},
		{name: "remove a draft's file by the API, from its practice", setup: mxPractice("draft", mxWithAttachment), fresh: true,
			req: mxSend(http.MethodDelete, mxPath("/api/v1/practices/%d/attachments/%d", "id", "aid"), nil), want: authorDeletes},
		{name: "keep a published file in an update", setup: mxUpdate(mxWithRemovals), fresh: true, req: func(ids map[string]int64) mxRequest {
			return mxRequest{method: http.MethodPost, path: fmt.Sprintf("/fiches/%d/pieces-jointes/%d/garder", ids["upd"], ids["aid"]), page: true, form: url.Values{}}
		}, want: "303 404 303 | 404 404 404 404 404 | 403 403 404 404 404 | 403"},
		{name: "keep the published cover in an update", setup: mxUpdate(mxWithRemovals), fresh: true, req: func(ids map[string]int64) mxRequest {
			return mxRequest{method: http.MethodPost, path: fmt.Sprintf("/fiches/%d/couverture/garder", ids["upd"]), page: true, form: url.Values{}}
		}, want: "303 404 303 | 404 404 404 404 404 | 403 403 404 404 404 | 403"},
		{name: "decide through the page", setup: mxPractice("submitted"), fresh: true, req: func(ids map[string]int64) mxRequest {
			return mxRequest{method: http.MethodPost, path: fmt.Sprintf("/fiches/%d/decision", ids["id"]), page: true,
				form: url.Values{"decision": {"approve"}}}
		}, want: "303 404 403 | 404 404 404 404 404 | 303 303 404 404 404 | 303"},

		// The review's conversation and claims.
		{name: "read the conversation", setup: mxPractice("submitted"), req: mxGet(mxPath("/api/v1/practices/%d/comments", "id")), want: participants},
		{name: "comment", setup: mxPractice("submitted"), fresh: true,
			req: mxSend(http.MethodPost, mxPath("/api/v1/practices/%d/comments", "id"), map[string]string{"body": "Une question sur les partenaires."}), want: participantsAdd},
		{name: "claim a submission", setup: mxPractice("submitted"), fresh: true, req: mxSend(http.MethodPost, mxPath("/api/v1/practices/%d/claim", "id"), nil), want: moderatorOnly},

		// Attachments.
		{name: "list a draft's attachments", setup: mxPractice("draft", mxWithAttachment), req: mxGet(mxPath("/api/v1/practices/%d/attachments", "id")), want: readUnpublished},
		{name: "download a draft's attachment", setup: mxPractice("draft", mxWithAttachment), req: mxGet(mxPath("/api/v1/attachments/%d", "aid")), want: readUnpublished},
		{name: "download a published practice's attachment", setup: mxPractice("draft", mxWithAttachment, func(m *matrix, ids map[string]int64) {
			ctx := context.Background()
			if _, err := m.b.Service.Submit(ctx, m.users["author"], ids["id"]); err != nil {
				m.t.Fatal(err)
			}
			if _, err := m.b.Service.Decide(ctx, m.users["helper"], ids["id"], "approve", ""); err != nil {
				m.t.Fatal(err)
			}
		}), req: mxGet(mxPath("/api/v1/attachments/%d", "aid")), want: readPublished},
		{name: "attach a file to a draft", setup: mxPractice("draft"), fresh: true, req: func(ids map[string]int64) mxRequest {
			return mxRequest{method: http.MethodPost, path: fmt.Sprintf("/api/v1/practices/%d/attachments", ids["id"]), upload: "Notes de l'atelier."}
		}, want: authorCreates},
		{name: "remove a draft's attachment", setup: mxPractice("draft", mxWithAttachment), fresh: true,
			req: mxSend(http.MethodDelete, mxPath("/api/v1/attachments/%d", "aid"), nil), want: authorDeletes},

		// Lists: the object shows only to those it concerns.
		{name: "review queue", setup: mxPractice("submitted"), req: mxGet(mxPath("/api/v1/review-queue")),
			want: "401 403 403 | 403 403 403 403 403 | 200 200 200- 200- 200- | 200"},
		{name: "queue page", setup: mxPractice("submitted"), req: mxPage(mxPath("/relecture")),
			want: "303 403 403 | 403 403 403 403 403 | 200 200 200- 200- 200- | 200"},
		{name: "desk page", setup: mxPractice("submitted"), req: mxPage(mxPath("/bureau")),
			want: "303 303 303 | 303 303 303 303 303 | 200 200 200- 200- 200- | 200"},
		{name: "notifications", setup: mxPractice("submitted"), req: mxGet(mxPath("/api/v1/notifications")),
			want: "401 200- 200- | 200- 200- 200- 200- 200- | 200 200 200- 200- 200- | 200-"},

		// Administration.
		{name: "list accounts", setup: mxNone, req: mxGet(mxPath("/api/v1/users")), want: adminOnly},
		{name: "one account", setup: mxNone, req: func(map[string]int64) mxRequest { return mxRequest{method: http.MethodGet, path: "/api/v1/users/1"} }, want: adminOnly},
		{name: "grant a role", setup: mxNone, fresh: true, req: func(map[string]int64) mxRequest {
			return mxRequest{method: http.MethodPost, path: "/api/v1/roles", json: map[string]string{"email": "target@example.org", "role": "moderator", "territory": "59350"}}
		}, want: adminCreates},
		{name: "revoke a role", setup: func(m *matrix) map[string]int64 {
			_ = m.b.Service.Grant(context.Background(), nil, service.GrantInput{Email: "target@example.org", Role: "contributor", Territory: "59350"})
			return map[string]int64{}
		}, fresh: true, req: func(map[string]int64) mxRequest {
			return mxRequest{method: http.MethodDelete, path: "/api/v1/roles", json: map[string]string{"email": "target@example.org", "role": "contributor", "territory": "59350"}}
		}, want: "401 403 403 | 403 403 403 403 403 | 403 403 403 403 403 | 204"},
		{name: "disable an account", setup: func(m *matrix) map[string]int64 {
			_ = m.b.Service.EnableUser(context.Background(), nil, "target@example.org")
			return map[string]int64{"uid": m.users["target"].ID}
		}, fresh: true, req: mxSend(http.MethodPost, mxPath("/api/v1/users/%d/disable", "uid"), nil), want: adminOnly},
		{name: "invite a contributor on Lille", setup: mxNone, fresh: true, req: func(map[string]int64) mxRequest {
			return mxRequest{method: http.MethodPost, path: "/api/v1/invitations", json: map[string]string{
				"email": fmt.Sprintf("new%d@example.org", time.Now().UnixNano()), "name": "Nouvelle", "role": "contributor", "territory": "59350"}}
		}, want: "401 403 403 | 403 403 403 403 403 | 201 201 403 403 403 | 201"},
		{name: "invite a moderator on Lille", setup: mxNone, fresh: true, req: func(map[string]int64) mxRequest {
			return mxRequest{method: http.MethodPost, path: "/api/v1/invitations", json: map[string]string{
				"email": fmt.Sprintf("new%d@example.org", time.Now().UnixNano()), "name": "Nouvelle", "role": "moderator", "territory": "59350"}}
		}, want: "401 403 403 | 403 403 403 403 403 | 403 403 403 403 403 | 201"},
		{name: "list invitations", setup: func(m *matrix) map[string]int64 { return map[string]int64{"inv": m.invitation()} },
			req: mxGet(mxPath("/api/v1/invitations")), want: "401 403 403 | 403 403 403 403 403 | 200 200 200- 200- 200- | 200"},
		{name: "withdraw an invitation", setup: func(m *matrix) map[string]int64 { return map[string]int64{"inv": m.invitation()} }, fresh: true,
			req: mxSend(http.MethodDelete, mxPath("/api/v1/invitations/%d", "inv"), nil), want: "401 404 404 | 404 404 404 404 404 | 204 204 404 404 404 | 204"},
		{name: "add a territory", setup: mxNone, fresh: true, req: func(map[string]int64) mxRequest {
			return mxRequest{method: http.MethodPost, path: "/api/v1/territories", json: map[string]string{
				"code": fmt.Sprintf("t%d", time.Now().UnixNano()), "name": "Quartier", "level": "other", "parent": "59350"}}
		}, want: adminCreates},
		{name: "rename a territory", setup: mxNone, req: mxSend(http.MethodPatch, mxPath("/api/v1/territories/59350"), map[string]string{"name": "Lille"}), want: adminOnly},
		{name: "import territories", setup: mxNone, req: func(map[string]int64) mxRequest {
			return mxRequest{method: http.MethodPost, path: "/api/v1/territories/import", csv: "code,name,level,parent_code\n59350,Lille,commune,59\n"}
		}, want: adminOnly},
		{name: "add a theme", setup: mxNone, fresh: true, req: func(map[string]int64) mxRequest {
			return mxRequest{method: http.MethodPost, path: "/api/v1/themes", json: map[string]string{"slug": fmt.Sprintf("theme-%d", time.Now().UnixNano()), "name": "Thème"}}
		}, want: adminCreates},
		{name: "rename a theme", setup: mxNone, req: mxSend(http.MethodPatch, mxPath("/api/v1/themes/emploi"), map[string]string{"name": "Emploi"}), want: adminOnly},
		{name: "audit log", setup: mxNone, req: mxGet(mxPath("/api/v1/audit")), want: adminOnly},
		{name: "administration home", setup: mxNone, req: mxPage(mxPath("/admin")), want: adminPage},
		{name: "accounts page", setup: mxNone, req: mxPage(mxPath("/admin/utilisateurs")), want: adminPage},
		{name: "territories page", setup: mxNone, req: mxPage(mxPath("/admin/territoires")), want: adminPage},
		{name: "themes page", setup: mxNone, req: mxPage(mxPath("/admin/themes")), want: adminPage},
		{name: "journal page", setup: mxNone, req: mxPage(mxPath("/admin/journal")), want: adminPage},
		{name: "invitations page", setup: mxNone, req: mxPage(mxPath("/admin/invitations")),
			want: "303 403 403 | 403 403 403 403 403 | 200 200 200 200 200 | 200"},
	}
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		m := newMatrix(t, dialect)
		// The moderators covering Lille are notified of submissions by a
		// River job: wait for the first one before reading notifications.
		waitNotified := func(id int64) {
			waitFor(t, "the submission's notification", func() bool {
				items, _, err := m.b.Service.Notifications(context.Background(), m.users["moderator/same"])
				if err != nil {
					return false
				}
				for _, n := range items {
					if n.PracticeID == id {
						return true
					}
				}
				return false
			})
		}
		for _, row := range rows {
			t.Run(row.name, func(t *testing.T) {
				m.t = t
				want := mxStatuses(t, row.want)
				var ids map[string]int64
				changed := false
				for i, caller := range matrixCallers {
					if ids == nil || (row.fresh && changed) {
						ids = row.setup(m)
						if row.name == "notifications" {
							waitNotified(ids["id"])
						}
					}
					req := row.req(ids)
					status, body := m.do(caller, req)
					// A page's success is a redirect; an anonymous
					// visitor's redirect is to the login form.
					changed = status >= 200 && status < 300 || req.page && status == http.StatusSeeOther && caller != "anonymous"
					expected, mustHold := want[i], want[i] == 200
					if expected == mxAbsent {
						expected = 200
					}
					if status != expected {
						t.Errorf("%-22s %s: status %d, want %d — %.200s", caller, row.name, status, expected, body)
						continue
					}
					// Lists: the object is there exactly for those it concerns.
					if id, ok := ids["id"]; ok && status == 200 && mxIsList(row.req(ids).path) {
						var holds bool
						switch p := row.req(ids).path; p {
						case "/api/v1/notifications":
							holds = strings.Contains(body, `"practice_id":"`+strconv.FormatInt(id, 10)+`"`)
						case "/relecture", "/bureau":
							holds = strings.Contains(body, fmt.Sprintf(`href="/fiches/%d"`, id))
						default:
							holds = strings.Contains(body, `"id":"`+strconv.FormatInt(id, 10)+`"`)
						}
						if holds != mustHold {
							t.Errorf("%-22s %s: the list holds the object: %v, want %v", caller, row.name, holds, mustHold)
						}
					}
					if inv, ok := ids["inv"]; ok && status == 200 && row.req(ids).method == http.MethodGet {
						if holds := strings.Contains(body, `"id":"`+strconv.FormatInt(inv, 10)+`"`); holds != mustHold {
							t.Errorf("%-22s %s: the list holds the invitation: %v, want %v", caller, row.name, holds, mustHold)
						}
					}
				}
			})
		}
	})
}

// isList reports whether path answers a list rather than one object.
func mxIsList(p string) bool {
	for _, l := range []string{"/api/v1/review-queue", "/relecture", "/bureau", "/api/v1/notifications"} {
		if p == l {
			return true
		}
	}
	return false
}
