package web_test

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/testenv"
)

// sitemapPages is the number of pages of the sitemap besides the practices:
// the home page, the browsing pages (/territoires, /themes, /outils,
// /recherche, /rencontres), World's 3 themes and its 7 territories (no
// meeting).
const sitemapPages = 1 + 5 + 3 + 7

// publish creates, submits and approves a practice of author's.
func publish(t *testing.T, s *site, author *passerelle.User, in service.PracticeInput) *passerelle.Practice {
	t.Helper()
	ctx := context.Background()
	p, err := s.Service.CreatePractice(ctx, author, in)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.Service.Submit(ctx, author, p.ID); err != nil {
		t.Fatal(err)
	}
	if p, err = s.Service.DecideOn(ctx, s.World.RegionMod, p.ID, "approve", "", nil); err != nil {
		t.Fatal(err)
	}
	return p
}

// completeTool is a complete teaching tool on territory.
func completeTool(territory, title string) service.PracticeInput {
	in := testenv.CompleteExperience(territory, title)
	kind, themes := passerelle.KindTool, []string{"education"}
	format, license := "game", "CC-BY-4.0"
	audience := []string{"Collégiens", "Enseignants"}
	summary := "Un jeu de plateau sur l’égalité entre filles et garçons."
	body := "Un jeu coopératif pour parler d’égalité en classe."
	in.Kind, in.Themes, in.Summary, in.Body, in.Experience = &kind, &themes, &summary, &body, nil
	in.Tool = &service.ToolInput{Format: &format, License: &license, Audience: &audience}
	return in
}

func pid(p *passerelle.Practice) string { return idString(p.ID) }

func idString(id int64) string { return strconv.FormatInt(id, 10) }

// TestDiscoveryPages: the territory tree, the themes, the search page and
// the tool catalogue, with their filters as URLs, their facets and their
// extracts; unknown filter values answer an empty result and a message.
func TestDiscoveryPages(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		w := s.World
		forum := publish(t, s, w.LilleAuthor, testenv.CompleteExperience("59350", "Forum contre les discriminations à l’embauche"))
		game := publish(t, s, w.RoubaixAuthor, completeTool("59512", "Jeu de l’égalité"))
		b := s.browser(t)

		home := b.get("/").expect(t, "home", http.StatusOK)
		home.contains(t, "home", `action="/recherche"`, `<label for="site-search-q">`, `href="/outils"`, `href="/territoires"`)

		tree := b.get("/territoires").expect(t, "tree", http.StatusOK)
		tree.contains(t, "tree", `href="/territoires/qpv-moulins">Moulins</a>`, `href="/territoires/62193">Calais</a>`,
			`href="/territoires/32">Hauts-de-France</a>`, "2 fiches", `aria-current="page"`)
		if strings.Count(tree.Body, "<ul>") < 3 {
			t.Errorf("the tree is not nested:\n%s", tree.Body)
		}

		themes := b.get("/themes").expect(t, "themes", http.StatusOK)
		themes.contains(t, "themes", `href="/themes/emploi">Emploi</a>`, `href="/themes/education">Éducation</a>`, "1 fiche")
		b.get("/themes/emploi").expect(t, "theme", http.StatusOK).contains(t, "theme", `href="/recherche?theme=emploi"`, `href="/outils?theme=emploi"`)

		// Search: extracts, facets as links, filters kept in the form.
		res := b.get("/recherche?q=entreprise").expect(t, "search", http.StatusOK)
		res.contains(t, "search", "Forum contre les discriminations", "<mark>entreprises</mark>", "1 fiche trouvée.",
			`href="/recherche?q=entreprise&amp;territory=32"`, `value="entreprise"`)
		res.lacks(t, "search", "Jeu de l’égalité")
		res = b.get("/recherche?q=egalite&kind=tool&territory=59").expect(t, "combined", http.StatusOK)
		res.contains(t, "combined", "Jeu de l’égalité", `<option value="tool" selected>`,
			`href="/recherche?kind=tool&amp;q=egalite"`) // the current territory links to the search without it
		res = b.get("/recherche").expect(t, "everything", http.StatusOK)
		res.contains(t, "everything", "2 fiches trouvées.", pid(forum), pid(game))

		// Unknown values: an empty result that says why, never an error page.
		for _, q := range []string{"territory=00", "theme=nope", "kind=poem", "format=zzz", "year=abc", "page=0", "q=egalite&theme=nope"} {
			res := b.get("/recherche?"+q).expect(t, q, http.StatusOK)
			res.contains(t, q, "certains filtres ne sont pas reconnus", `href="/recherche">Effacer les filtres`)
			res.lacks(t, q, "Forum contre", "Jeu de l’égalité")
		}
		b.get("/recherche?q=%22%27%3Cscript%3E+OR+*+NEAR(").expect(t, "hostile query", http.StatusOK)

		// The tool catalogue.
		tools := b.get("/outils").expect(t, "tools", http.StatusOK)
		tools.contains(t, "tools", "Jeu de l’égalité", "1 fiche trouvée.", `href="/outils?format=game"`)
		tools.lacks(t, "tools", "Forum contre")
		b.get("/outils?format=game&audience=collegiens&theme=education").expect(t, "tools filtered", http.StatusOK).
			contains(t, "tools filtered", "Jeu de l’égalité")
		b.get("/outils?format=kit").expect(t, "no kit", http.StatusOK).contains(t, "no kit", "Aucune fiche ne correspond")
		b.get("/outils?format=zzz").expect(t, "bad format", http.StatusOK).contains(t, "bad format", "Format de l’outil")

		// robots.txt and the sitemap.
		robots := b.get("/robots.txt").expect(t, "robots", http.StatusOK)
		robots.contains(t, "robots", "User-agent: *", "Allow: /", "Sitemap: http://passerelle.test/sitemap.xml")
		b.get("/sitemap.xml").expect(t, "sitemap", http.StatusOK).
			contains(t, "sitemap", "http://passerelle.test/themes/emploi", "http://passerelle.test/outils", "http://passerelle.test/territoires<")
	})
}

// anonAPI sends a JSON request without credentials.
func anonAPI(b *browser, method, path, body string) (*response, map[string]any) {
	b.t.Helper()
	req, err := http.NewRequest(method, b.site.URL+path, strings.NewReader(body))
	if err != nil {
		b.t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res := b.do(req)
	var out map[string]any
	_ = json.Unmarshal([]byte(res.Body), &out)
	return res, out
}

var jsonLDRE = regexp.MustCompile(`(?s)<script type="application/ld\+json">(.*?)</script>`)

// TestPracticeJSONLD: a published practice's page carries its schema.org
// description; a draft's does not.
func TestPracticeJSONLD(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		w := s.World
		game := publish(t, s, w.RoubaixAuthor, completeTool("59512", "Jeu de l’égalité </script><b>"))
		b := s.browser(t)
		page := b.get("/fiches/"+pid(game)).expect(t, "practice", http.StatusOK)
		m := jsonLDRE.FindStringSubmatch(page.Body)
		if m == nil {
			t.Fatalf("no JSON-LD:\n%s", page.Body)
		}
		var doc map[string]any
		if err := json.Unmarshal([]byte(m[1]), &doc); err != nil {
			t.Fatalf("JSON-LD does not parse: %v\n%s", err, m[1])
		}
		if doc["@type"] != "LearningResource" || doc["name"] != "Jeu de l’égalité </script><b>" || doc["url"] != "http://passerelle.test/fiches/"+pid(game) {
			t.Errorf("JSON-LD: %v", doc)
		}

		draft, err := s.Service.CreatePractice(context.Background(), w.LilleAuthor, testenv.CompleteExperience("59350", "Brouillon"))
		if err != nil {
			t.Fatal(err)
		}
		a := s.browser(t)
		a.login(w.LilleAuthor.Email, "/", "/")
		a.get("/fiches/"+pid(draft)).expect(t, "draft", http.StatusOK).lacks(t, "draft", "application/ld+json", `id="essaimage"`)
	})
}

// TestReuses: a contributor records that a published practice was reused
// in one of their territories, through the API and the page; the rules;
// the author's notification; both territories' pages.
func TestReuses(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		w := s.World
		forum := publish(t, s, w.LilleAuthor, testenv.CompleteExperience("59350", "Forum de l’emploi"))
		draft, err := s.Service.CreatePractice(context.Background(), w.LilleAuthor, testenv.CompleteExperience("59350", "Brouillon"))
		if err != nil {
			t.Fatal(err)
		}
		b := s.browser(t)
		roubaix, reader := tokenFor(t, s, w.RoubaixAuthor), tokenFor(t, s, w.Reader)
		path := "/api/v1/practices/" + pid(forum) + "/reuses"
		tests := []struct {
			name, token, path, body string
			status                  int
			fields                  []string
		}{
			{name: "anonymous", path: path, body: `{"territory":"59512"}`, status: 401},
			{name: "reader without role", token: reader, path: path, body: `{"territory":"59512"}`, status: 403},
			{name: "not a contributor there", token: roubaix, path: path, body: `{"territory":"62193"}`, status: 403},
			{name: "own territory", token: roubaix, path: path, body: `{"territory":"59350"}`, status: 400, fields: []string{"territory"}},
			{name: "unknown territory", token: roubaix, path: path, body: `{"territory":"00"}`, status: 400, fields: []string{"territory"}},
			{name: "no territory", token: roubaix, path: path, body: `{"note":"x"}`, status: 400, fields: []string{"territory"}},
			{name: "note too long", token: roubaix, path: path, body: `{"territory":"59512","note":"` + strings.Repeat("a", 1001) + `"}`, status: 400, fields: []string{"note"}},
			{name: "unknown field", token: roubaix, path: path, body: `{"territory":"59512","where":"x"}`, status: 400},
			{name: "unpublished practice", token: roubaix, path: "/api/v1/practices/" + pid(draft) + "/reuses", body: `{"territory":"59512"}`, status: 404},
			{name: "recorded", token: roubaix, path: path, body: `{"territory":"59512","note":"Adapté aux collégiens de Roubaix."}`, status: 201},
			{name: "duplicate", token: roubaix, path: path, body: `{"territory":"59512","note":"encore"}`, status: 409},
		}
		for _, tc := range tests {
			var res *response
			var out map[string]any
			if tc.token == "" {
				res, out = anonAPI(b, http.MethodPost, tc.path, tc.body)
			} else {
				res, out = b.api(http.MethodPost, tc.path, tc.token, tc.body)
			}
			if res.Status != tc.status {
				t.Fatalf("%s: %d %s", tc.name, res.Status, res.Body)
			}
			for _, f := range tc.fields {
				if !strings.Contains(res.Body, `"`+f+`"`) || !strings.Contains(res.Body, "validation_failed") {
					t.Errorf("%s: %s does not name %s", tc.name, res.Body, f)
				}
			}
			if tc.status == 201 && (out["territory"] != "59512" || out["territory_name"] != "Roubaix" || out["practice_id"] != pid(forum)) {
				t.Errorf("%s: %v", tc.name, out)
			}
		}
		// The author may see the draft: recording on it is a wrong state.
		if res, _ := b.api(http.MethodPost, "/api/v1/practices/"+pid(draft)+"/reuses", tokenFor(t, s, w.LilleAuthor), `{"territory":"59512"}`); res.Status != 409 && res.Status != 403 {
			t.Errorf("author on a draft: %d %s", res.Status, res.Body)
		}
		res, out := anonAPI(b, http.MethodGet, path, "")
		if res.Status != 200 || len(out["items"].([]any)) != 1 {
			t.Fatalf("list: %d %s", res.Status, res.Body)
		}
		if res, _ := anonAPI(b, http.MethodGet, "/api/v1/practices/"+pid(draft)+"/reuses", ""); res.Status != 404 {
			t.Errorf("list of a draft: %d", res.Status)
		}

		// The author is told, in the app and by e-mail.
		var n passerelle.Notification
		waitFor(t, "the author's notification", func() bool {
			items, _, err := s.Service.Notifications(context.Background(), w.LilleAuthor)
			for _, it := range items {
				if it.Type == passerelle.NotifyReused {
					n = it
				}
			}
			return err == nil && n.ID != 0
		})
		if !strings.Contains(n.Message, "Rose Roubaix") || !strings.Contains(n.Message, "Roubaix") || !strings.Contains(n.Message, "Forum de l’emploi") {
			t.Errorf("notification: %q", n.Message)
		}
		m := testenv.WaitMail(t, s.Outbox, "notification-"+idString(n.ID))
		if m.To == "" || !strings.Contains(m.To, w.LilleAuthor.Email) || !strings.Contains(m.Text, "Adapté aux collégiens de Roubaix.") {
			t.Errorf("e-mail: %+v", m)
		}

		// Through the page: anonymous visitors are sent to sign in, readers
		// refused; a contributor below Lille records it from the form.
		form := url.Values{"reuse-territory": {"qpv-moulins"}, "reuse-note": {"Repris au centre social."}}
		b.post("/fiches/"+pid(forum)+"/reutilisations", form).expect(t, "anonymous", http.StatusSeeOther, "/login?next=%2Ffiches%2F"+pid(forum))
		rd := s.browser(t)
		rd.login(w.Reader.Email, "/", "/")
		rd.get("/fiches/"+pid(forum)).expect(t, "reader's page", http.StatusOK).lacks(t, "reader's page", "/reutilisations")
		rd.post("/fiches/"+pid(forum)+"/reutilisations", form).expect(t, "reader", http.StatusForbidden)
		mo := s.browser(t)
		mo.login(w.MoulinsAuthor.Email, "/", "/")
		page := mo.get("/fiches/"+pid(forum)).expect(t, "contributor's page", http.StatusOK)
		page.contains(t, "contributor's page", `action="/fiches/`+pid(forum)+`/reutilisations"`, `<option value="qpv-moulins">`)
		mo.post("/fiches/"+pid(forum)+"/reutilisations", url.Values{"reuse-territory": {"qpv-moulins"}, "reuse-note": {strings.Repeat("é", 1001)}}).
			expect(t, "too long", http.StatusBadRequest).contains(t, "too long", `id="reuse-note-error"`, `role="alert"`)
		mo.post("/fiches/"+pid(forum)+"/reutilisations", form).expect(t, "recorded", http.StatusSeeOther, "/fiches/"+pid(forum)+"#essaimage")
		page = mo.get("/fiches/"+pid(forum)).expect(t, "after", http.StatusOK)
		page.contains(t, "after", "La reprise est signalée", "Repris au centre social.", "Adapté aux collégiens de Roubaix.",
			`href="/territoires/59512">Roubaix</a>`, `href="/territoires/qpv-moulins">Moulins</a>`)
		page.lacks(t, "after", `action="/fiches/`+pid(forum)+`/reutilisations"`) // nowhere left to record it
		mo.post("/fiches/"+pid(forum)+"/reutilisations", form).expect(t, "duplicate", http.StatusConflict).
			contains(t, "duplicate", "déjà signalée")

		// Both territories' pages.
		lille := b.get("/territoires/59350").expect(t, "Lille", http.StatusOK)
		lille.contains(t, "Lille", "Ce que ce territoire a prêté", "2 reprises ailleurs de ses pratiques.", "De Lille à Roubaix", "De Lille à Moulins")
		rbx := b.get("/territoires/59512").expect(t, "Roubaix", http.StatusOK)
		rbx.contains(t, "Roubaix", "Ce que ce territoire a emprunté", "1 reprise d’une pratique venue d’ailleurs.", "Forum de l’emploi", "De Lille à Roubaix")
		if !strings.Contains(html.UnescapeString(rbx.Body), "0 reprise ailleurs de ses pratiques.") {
			t.Errorf("Roubaix lent something:\n%s", rbx.Body)
		}
		b.get("/territoires/62193").expect(t, "Calais", http.StatusOK).lacks(t, "Calais", "Forum de l’emploi")

		// The history tells of it.
		if res, _ := anonAPI(b, http.MethodGet, "/api/v1/practices/"+pid(forum)+"/history", ""); !strings.Contains(res.Body, `"reuse"`) {
			t.Errorf("history: %s", res.Body)
		}
	})
}
