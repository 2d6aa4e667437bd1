package e2e

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/testenv"
)

// practice is the contract's JSON shape of a practice, as a client reads it.
type practice struct {
	ID          string     `json:"id"`
	URL         string     `json:"url"`
	Kind        string     `json:"kind"`
	Title       string     `json:"title"`
	Summary     string     `json:"summary"`
	Body        string     `json:"body"`
	Territory   string     `json:"territory"`
	Themes      []string   `json:"themes"`
	Status      string     `json:"status"`
	Author      person     `json:"author"`
	Revision    int        `json:"revision"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	PublishedAt *time.Time `json:"published_at"`
	Experience  *struct {
		Context   string   `json:"context"`
		Actions   string   `json:"actions"`
		Partners  []string `json:"partners"`
		Results   string   `json:"results"`
		Lessons   string   `json:"lessons"`
		StartedOn *string  `json:"started_on"`
		EndedOn   *string  `json:"ended_on"`
	} `json:"experience"`
}

type person struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type practiceList struct {
	Items  []practice `json:"items"`
	Total  *int       `json:"total"`
	Facets map[string][]struct {
		Value string `json:"value"`
		Count int    `json:"count"`
	} `json:"facets"`
}

type notification struct {
	ID         string    `json:"id"`
	Type       string    `json:"type"`
	PracticeID string    `json:"practice_id"`
	Message    string    `json:"message"`
	Read       bool      `json:"read"`
	CreatedAt  time.Time `json:"created_at"`
}

type notifications struct {
	Items  []notification `json:"items"`
	Unread *int           `json:"unread"`
}

// has reports whether a notification of type about practice id is listed.
func (n notifications) has(typ, id string) bool {
	return slices.ContainsFunc(n.Items, func(it notification) bool { return it.Type == typ && it.PracticeID == id })
}

func deref(n *int) any {
	if n == nil {
		return nil
	}
	return *n
}

func ids(items []practice) []string {
	out := make([]string, len(items))
	for i, p := range items {
		out[i] = p.ID
	}
	return out
}

// login asks the API for a token.
func (srv *server) login(email string) *client {
	srv.t.Helper()
	var tok struct {
		Token     string    `json:"token"`
		ExpiresAt time.Time `json:"expires_at"`
	}
	srv.client("").do(http.MethodPost, "/api/v1/tokens", map[string]string{"email": email, "password": testenv.Password}).ok(http.StatusCreated, &tok)
	if tok.Token == "" || !tok.ExpiresAt.After(time.Now()) {
		srv.t.Fatalf("token for %s: %+v", email, tok)
	}
	return srv.client(tok.Token)
}

// completion is what turns the draft of the core loop into a complete
// experience report.
var completion = map[string]any{
	"body": "## Le forum\n\nDes **entreprises** rencontrent des habitants du quartier.",
	"experience": map[string]any{
		"context": "Chômage élevé des jeunes.", "actions": "Un forum par an, avec des CV anonymes.",
		"results": "42 embauches.", "partners": []string{"Mission locale", "France Travail"}, "started_on": "2024-01-15",
	},
}

// TestAPICoreLoop walks the review workflow over HTTP against the real
// server, River included: a contributor writes and submits, the moderators
// of the territory are told, one approves, readers find it.
func TestAPICoreLoop(t *testing.T) {
	t.Parallel()
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		s.seedWorld()
		srv := s.serve()
		anon := srv.client("")

		var health struct {
			Status, Database string
			Writable         bool
			Queue            map[string]int
		}
		anon.get("/healthz").ok(http.StatusOK, &health)
		if health.Status != "ok" || health.Database != dialect || !health.Writable || len(health.Queue) != 3 {
			t.Errorf("healthz = %+v, want status ok, database %s, writable, a queue", health, dialect)
		}

		author := srv.login("lille@example.org") // 201 with a token and its expiry
		anon.do(http.MethodPost, "/api/v1/tokens", map[string]string{"email": "lille@example.org", "password": "wrong password!"}).
			fails(http.StatusUnauthorized, "unauthenticated")
		nord, region, pas := srv.login("nord.mod@example.org"), srv.login("region.mod@example.org"), srv.login("pas.mod@example.org")

		// A title is enough for a draft.
		var p practice
		res := author.do(http.MethodPost, "/api/v1/practices", map[string]any{"title": "Forum emploi des Moulins"}).ok(http.StatusCreated, &p)
		if p.ID == "" || p.Status != "draft" || p.Title != "Forum emploi des Moulins" || p.Author.Name != "Lila Lille" || p.Author.ID == "" ||
			p.PublishedAt != nil || p.CreatedAt.IsZero() {
			t.Errorf("created draft: %+v", p)
		}
		if want := srv.base + "/fiches/" + p.ID; p.URL != want {
			t.Errorf("url = %q, want %q (derived from the address the server listens on)", p.URL, want)
		}
		if loc := res.header.Get("Location"); loc != "" && !strings.HasSuffix(loc, "/practices/"+p.ID) {
			t.Errorf("Location = %q", loc)
		}
		path := "/api/v1/practices/" + p.ID

		author.do(http.MethodPatch, path, map[string]any{"kind": "experience", "summary": "Un forum de recrutement avec CV anonymes, pour les jeunes diplômés.",
			"territory": "qpv-moulins", "themes": []string{"emploi"}}).ok(http.StatusOK, &p)
		if p.Title != "Forum emploi des Moulins" || p.Summary == "" || p.Territory != "qpv-moulins" || !slices.Equal(p.Themes, []string{"emploi"}) || p.Status != "draft" {
			t.Errorf("after edit: %+v", p)
		}

		// Submitting names what is missing and leaves a draft.
		author.do(http.MethodPost, path+"/submit", nil).failsWithFields(http.StatusBadRequest, "validation_failed",
			"body", "experience.actions", "experience.context", "experience.results")
		author.get(path).ok(http.StatusOK, &p)
		if p.Status != "draft" {
			t.Errorf("after a refused submission: status %s, want draft", p.Status)
		}

		author.do(http.MethodPatch, path, completion).ok(http.StatusOK, &p)
		if p.Experience == nil || p.Experience.Results != "42 embauches." || p.Experience.StartedOn == nil || *p.Experience.StartedOn != "2024-01-15" {
			t.Errorf("after completion: %+v", p.Experience)
		}
		author.do(http.MethodPost, path+"/submit", nil).ok(http.StatusOK, &p)
		if p.Status != "submitted" || p.Revision != 1 {
			t.Errorf("after submission: status %s, revision %d", p.Status, p.Revision)
		}

		// The queue of the moderators covering the QPV holds it; elsewhere not.
		var queue practiceList
		for _, m := range []*client{nord, region} {
			m.get("/api/v1/review-queue").ok(http.StatusOK, &queue)
			if !slices.Contains(ids(queue.Items), p.ID) {
				t.Errorf("review queue of a moderator covering qpv-moulins: %v, want %s", ids(queue.Items), p.ID)
			}
		}
		pas.get("/api/v1/review-queue").ok(http.StatusOK, &queue)
		if len(queue.Items) != 0 {
			t.Errorf("review queue of the Pas-de-Calais moderator: %v, want empty", ids(queue.Items))
		}
		author.get("/api/v1/review-queue").fails(http.StatusForbidden, "forbidden")
		anon.get("/api/v1/review-queue").fails(http.StatusUnauthorized, "unauthenticated")

		// River, running in the server, tells the moderators.
		for name, m := range map[string]*client{"nord": nord, "region": region} {
			waitFor(t, 10*time.Second, "practice.submitted for "+name, func() bool {
				var n notifications
				m.get("/api/v1/notifications").ok(http.StatusOK, &n)
				return n.has("practice.submitted", p.ID)
			})
		}
		var n notifications
		nord.get("/api/v1/notifications").ok(http.StatusOK, &n)
		if it := n.Items[0]; it.ID == "" || it.Message == "" || it.Read || it.CreatedAt.IsZero() || n.Unread == nil || *n.Unread < 1 {
			t.Errorf("notification: %+v, unread %v", it, n.Unread)
		}
		for name, c := range map[string]*client{"pas": pas, "author": author} {
			c.get("/api/v1/notifications").ok(http.StatusOK, &n)
			if n.Items == nil || len(n.Items) != 0 {
				t.Errorf("%s notifications: %+v, want an empty list", name, n.Items)
			}
		}

		// Decisions: never by the author, not seen from elsewhere, a comment
		// unless approving, and only once.
		decide := func(c *client, decision, comment string) *response {
			return c.do(http.MethodPost, path+"/decision", map[string]string{"decision": decision, "comment": comment})
		}
		decide(author, "approve", "").fails(http.StatusForbidden, "forbidden")
		decide(pas, "approve", "").fails(http.StatusNotFound, "not_found")
		decide(nord, "request_changes", "").failsWithFields(http.StatusBadRequest, "validation_failed", "comment")
		decide(nord, "reject", "   ").failsWithFields(http.StatusBadRequest, "validation_failed", "comment")
		decide(nord, "maybe", "Hmm").failsWithFields(http.StatusBadRequest, "validation_failed", "decision")
		decide(nord, "approve", "Bravo").ok(http.StatusOK, &p)
		if p.Status != "published" || p.PublishedAt == nil {
			t.Errorf("after approval: status %s, published_at %v", p.Status, p.PublishedAt)
		}
		decide(region, "approve", "").fails(http.StatusConflict, "conflict")
		author.do(http.MethodPatch, path, map[string]any{"title": "Trop tard"}).fails(http.StatusConflict, "conflict")
		waitFor(t, 10*time.Second, "practice.published for the author", func() bool {
			var n notifications
			author.get("/api/v1/notifications").ok(http.StatusOK, &n)
			return n.has("practice.published", p.ID)
		})

		// Readers find it under every territory above it, with facets.
		var list practiceList
		anon.get("/api/v1/practices?territory=32").ok(http.StatusOK, &list)
		if list.Total == nil || *list.Total != 1 || !slices.Equal(ids(list.Items), []string{p.ID}) {
			t.Errorf("practices under 32: total %v, items %v", deref(list.Total), ids(list.Items))
		}
		for _, facet := range []string{"territory", "theme", "kind"} {
			if _, ok := list.Facets[facet]; !ok {
				t.Errorf("no %q facet: %+v", facet, list.Facets)
			}
		}
		if f := list.Facets["theme"]; len(f) != 1 || f[0].Value != "emploi" || f[0].Count != 1 {
			t.Errorf("theme facet: %+v", f)
		}
		if f := list.Facets["kind"]; len(f) != 1 || f[0].Value != "experience" || f[0].Count != 1 {
			t.Errorf("kind facet: %+v", f)
		}
		for query, want := range map[string]int{
			"territory=qpv-moulins&theme=emploi&kind=experience": 1,
			"territory=62":    0,
			"kind=tool":       0,
			"theme=education": 0,
			"q=forum":         1,
			"q=boulangerie":   0,
		} {
			anon.get("/api/v1/practices?"+query).ok(http.StatusOK, &list)
			if list.Total == nil || *list.Total != want || len(list.Items) != want || list.Items == nil {
				t.Errorf("?%s: total %v, items %v; want %d", query, deref(list.Total), ids(list.Items), want)
			}
		}
		t.Run("search is French-aware", func(t *testing.T) {
			// The title, summary and body say "forum", "recrutement",
			// "diplômés", "entreprises", "rencontrent".
			for _, q := range []string{"forums", "recruter", "diplome", "Diplômée", "entreprise", "rencontrer", "FORUM DIPLÔMÉS"} {
				var list practiceList
				anon.get("/api/v1/practices?q="+url.QueryEscape(q)).ok(http.StatusOK, &list)
				if !slices.Equal(ids(list.Items), []string{p.ID}) {
					t.Errorf("q=%q finds %v, want %s", q, ids(list.Items), p.ID)
				}
			}
		})

		// Anyone reads what is published, its page included; drafts stay
		// with their author, the moderators covering them and admins.
		var got practice
		anon.get(path).ok(http.StatusOK, &got)
		if got.ID != p.ID || got.Status != "published" {
			t.Errorf("anonymous read: %+v", got)
		}
		page := anon.raw(http.MethodGet, strings.TrimPrefix(p.URL, srv.base), "", nil)
		if page.status != http.StatusOK || !strings.HasPrefix(page.header.Get("Content-Type"), "text/html") {
			t.Errorf("GET %s: %d %s", p.URL, page.status, page.header.Get("Content-Type"))
		}
		var draft practice
		author.do(http.MethodPost, "/api/v1/practices", map[string]any{"title": "Un brouillon", "territory": "59350"}).ok(http.StatusCreated, &draft)
		anon.get("/api/v1/practices/"+draft.ID).fails(http.StatusNotFound, "not_found")
		pas.get("/api/v1/practices/"+draft.ID).fails(http.StatusNotFound, "not_found")
		srv.login("reader@example.org").get("/api/v1/practices/"+draft.ID).fails(http.StatusNotFound, "not_found")
		nord.get("/api/v1/practices/"+draft.ID).ok(http.StatusOK, nil)
		srv.login("admin@example.org").get("/api/v1/practices/"+draft.ID).ok(http.StatusOK, nil)
		if page := anon.raw(http.MethodGet, strings.TrimPrefix(draft.URL, srv.base), "", nil); page.status != http.StatusNotFound {
			t.Errorf("anonymous GET of a draft's page: %d, want 404", page.status)
		}

		// History, oldest first, and the submitted revision.
		var hist struct {
			Items []struct {
				At      time.Time `json:"at"`
				Actor   person    `json:"actor"`
				Action  string    `json:"action"`
				From    *string   `json:"from"`
				To      *string   `json:"to"`
				Comment *string   `json:"comment"`
			} `json:"items"`
		}
		// The author sees the whole review; the public only that the
		// sheet was published, without who decided or why (the visibility
		// rule of passerelle.Audience).
		steps := func(c *client) []string {
			hist.Items = nil
			c.get(path+"/history").ok(http.StatusOK, &hist)
			var steps []string
			for i, e := range hist.Items {
				from, to, comment := "-", "-", "<absent>"
				if e.From != nil {
					from = *e.From
				}
				if e.To != nil {
					to = *e.To
				}
				if e.Comment != nil {
					comment = *e.Comment
				}
				steps = append(steps, e.Actor.Name+" "+e.Action+" "+from+">"+to+" "+comment)
				if (c != anon && e.Actor.ID == "") || e.At.IsZero() || (i > 0 && e.At.Before(hist.Items[i-1].At)) {
					t.Errorf("history entry %d: %+v", i, e)
				}
			}
			return steps
		}
		wantSteps := []string{
			"Lila Lille create ->draft ",
			// Two edits in one sitting are one entry (service.EditBurst).
			"Lila Lille update draft>draft ",
			"Lila Lille submit draft>submitted ",
			"Nora Nord approve submitted>published Bravo",
		}
		if got := steps(author); !slices.Equal(got, wantSteps) {
			t.Errorf("author's history:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(wantSteps, "\n"))
		}
		if got, want := steps(anon), []string{" approve submitted>published "}; !slices.Equal(got, want) {
			t.Errorf("public history:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
		}
		var revs struct {
			Items []struct {
				Number   int      `json:"number"`
				Practice practice `json:"practice"`
			} `json:"items"`
		}
		anon.get(path+"/revisions").ok(http.StatusOK, &revs)
		if len(revs.Items) != 1 || revs.Items[0].Number != 1 || revs.Items[0].Practice.Title != "Forum emploi des Moulins" ||
			revs.Items[0].Practice.Status != "submitted" {
			t.Errorf("revisions: %+v", revs.Items)
		}

		// The command line acts on the running server at once: a revoked
		// moderator has no queue any more, a disabled account no token.
		s.must("", "role", "revoke", "--email", "nord.mod@example.org", "--role", "moderator", "--territory", "59")
		nord.get("/api/v1/review-queue").fails(http.StatusForbidden, "forbidden")
		region.get("/api/v1/review-queue").ok(http.StatusOK, nil)
		s.must("", "user", "disable", "--email", "pas.mod@example.org")
		pas.get("/api/v1/notifications").fails(http.StatusUnauthorized, "unauthenticated")
		pas.get("/api/v1/practices").fails(http.StatusUnauthorized, "unauthenticated")
		anon.do(http.MethodPost, "/api/v1/tokens", map[string]string{"email": "pas.mod@example.org", "password": testenv.Password}).
			fails(http.StatusUnauthorized, "unauthenticated")

		srv.stop()
	})
}

// TestAPIRefusals sends the API every kind of wrong request the contract
// names and checks each answer's status, code and shape.
func TestAPIRefusals(t *testing.T) {
	t.Parallel()
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		s.seedWorld()
		srv := s.serve()
		anon := srv.client("")
		lille, roubaix, reader := srv.login("lille@example.org"), srv.login("roubaix@example.org"), srv.login("reader@example.org")
		nord := srv.login("nord.mod@example.org")

		// Credentials.
		for _, body := range []string{
			`{"email":"lille@example.org","password":"not the password"}`,
			`{"email":"nobody@example.org","password":"` + testenv.Password + `"}`,
			`{}`,
		} {
			anon.do(http.MethodPost, "/api/v1/tokens", body).fails(http.StatusUnauthorized, "unauthenticated")
		}
		anon.do(http.MethodPost, "/api/v1/tokens", `{"email":`).fails(http.StatusBadRequest, "invalid_request")
		for _, auth := range []string{"Bearer nope", "Bearer psl_forged", "Basic bGlsbGU6cGFzcw==", "Bearer "} {
			req, _ := http.NewRequest(http.MethodGet, srv.base+"/api/v1/practices", nil)
			req.Header.Set("Authorization", auth)
			anon.send(req).fails(http.StatusUnauthorized, "unauthenticated")
		}

		// Creating: who, and what.
		create := func(c *client, body any) *response { return c.do(http.MethodPost, "/api/v1/practices", body) }
		create(anon, map[string]any{"title": "Sans jeton"}).fails(http.StatusUnauthorized, "unauthenticated")
		create(lille, `{"title": "Forum",`).fails(http.StatusBadRequest, "invalid_request")
		create(lille, `{"title": "Forum"} {"title": "Encore"}`).fails(http.StatusBadRequest, "invalid_request")
		create(lille, `["Forum"]`).fails(http.StatusBadRequest, "invalid_request")
		create(lille, `{"title": 42}`).fails(http.StatusBadRequest, "invalid_request")
		create(lille, map[string]any{"kind": "experience", "title": "", "territory": "nope", "themes": []string{"emploi", "nope"}}).
			failsWithFields(http.StatusBadRequest, "validation_failed", "territory", "themes", "title")
		create(lille, map[string]any{"kind": "poem", "title": "Un poème"}).failsWithFields(http.StatusBadRequest, "validation_failed", "kind")
		create(lille, map[string]any{"title": "Ailleurs", "territory": "62193"}).fails(http.StatusForbidden, "forbidden")
		create(roubaix, map[string]any{"title": "À côté", "territory": "59350"}).fails(http.StatusForbidden, "forbidden")
		create(reader, map[string]any{"title": "Lecteur"}).fails(http.StatusForbidden, "forbidden")
		lille.raw(http.MethodPost, "/api/v1/practices", "text/plain", []byte("title=Forum")).fails(http.StatusUnsupportedMediaType, "unsupported_media_type")
		huge := `{"title":"` + strings.Repeat("a", 1<<20+10) + `"}`
		lille.do(http.MethodPost, "/api/v1/practices", huge).fails(http.StatusRequestEntityTooLarge, "too_large")

		// Unknown or unseeable practices are all "not found".
		var p practice
		create(lille, map[string]any{"kind": "experience", "title": "Forum", "summary": "Un forum.", "territory": "59350", "themes": []string{"emploi"}}).
			ok(http.StatusCreated, &p)
		path := "/api/v1/practices/" + p.ID
		for _, id := range []string{"999999", "abc", "0", "-1", "1.5"} {
			lille.get("/api/v1/practices/"+id).fails(http.StatusNotFound, "not_found")
		}
		lille.do(http.MethodPatch, "/api/v1/practices/999999", map[string]any{"title": "x"}).fails(http.StatusNotFound, "not_found")
		lille.do(http.MethodPost, "/api/v1/practices/999999/submit", nil).fails(http.StatusNotFound, "not_found")
		lille.get("/api/v1/practices/999999/history").fails(http.StatusNotFound, "not_found")
		lille.get("/api/v1/practices/999999/revisions").fails(http.StatusNotFound, "not_found")
		for _, c := range []*client{anon, roubaix, reader} {
			c.get(path).fails(http.StatusNotFound, "not_found")
			c.get(path+"/history").fails(http.StatusNotFound, "not_found")
			c.get(path+"/revisions").fails(http.StatusNotFound, "not_found")
		}
		roubaix.do(http.MethodPatch, path, map[string]any{"title": "Volé"}).fails(http.StatusNotFound, "not_found")
		anon.get("/api/v1/no-such-route").fails(http.StatusNotFound, "not_found")

		// Wrong state.
		nord.do(http.MethodPost, path+"/decision", map[string]string{"decision": "approve"}).fails(http.StatusConflict, "conflict")
		lille.do(http.MethodPost, path+"/withdraw", nil).fails(http.StatusConflict, "conflict")
		lille.do(http.MethodPatch, path, completion).ok(http.StatusOK, nil)
		lille.do(http.MethodPost, path+"/submit", nil).ok(http.StatusOK, nil)
		lille.do(http.MethodPost, path+"/submit", nil).fails(http.StatusConflict, "conflict")
		lille.do(http.MethodPatch, path, map[string]any{"title": "Changé"}).fails(http.StatusConflict, "conflict")
		nord.do(http.MethodPost, path+"/archive", map[string]string{"comment": "Trop tôt"}).fails(http.StatusConflict, "conflict")
		nord.do(http.MethodPost, path+"/decision", `{"decision": "approve"`).fails(http.StatusBadRequest, "invalid_request")

		// The list refuses filters it does not know, naming them.
		for query, fields := range map[string][]string{
			"territory=nope":                      {"territory"},
			"theme=nope":                          {"theme"},
			"kind=poem":                           {"kind"},
			"page=0":                              {"page"},
			"page=abc":                            {"page"},
			"territory=nope&theme=nope&kind=poem": {"kind", "territory", "theme"},
			"teritory=59":                         {"teritory"},
		} {
			anon.get("/api/v1/practices?"+query).failsWithFields(http.StatusBadRequest, "validation_failed", fields...)
		}
		// Search text is never a syntax for the database.
		for _, q := range []string{`"`, `forum AND (`, `*`, `NEAR(a b`, `'; DROP TABLE practices; --`, `a:b`, `-forum`, `%_\`} {
			anon.get("/api/v1/practices?q="+url.QueryEscape(q)).ok(http.StatusOK, nil)
		}

		// A revoked token is refused from then on.
		lille.do(http.MethodDelete, "/api/v1/tokens/current", nil).ok(http.StatusNoContent, nil)
		lille.get("/api/v1/notifications").fails(http.StatusUnauthorized, "unauthenticated")
		create(lille, map[string]any{"title": "Après"}).fails(http.StatusUnauthorized, "unauthenticated")
		lille.do(http.MethodDelete, "/api/v1/tokens/current", nil).fails(http.StatusUnauthorized, "unauthenticated")
		anon.do(http.MethodDelete, "/api/v1/tokens/current", nil).fails(http.StatusUnauthorized, "unauthenticated")

		// Administration is for admins.
		reader.get("/api/v1/users").fails(http.StatusForbidden, "forbidden")
		anon.get("/api/v1/users").fails(http.StatusUnauthorized, "unauthenticated")
		reader.do(http.MethodPost, "/api/v1/roles", map[string]string{"email": "reader@example.org", "role": "moderator", "territory": "32"}).
			fails(http.StatusForbidden, "forbidden")
		srv.stop()
	})
}
