package view

import (
	"html"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/passerelle/passerelle/ui"
)

func newEngine(t *testing.T) *Engine {
	t.Helper()
	cat, err := LoadCatalog(ui.FS)
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(ui.FS, cat)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func render(t *testing.T, e *Engine, lang, page string, p *Page) string {
	t.Helper()
	cp := *p
	cp.Lang = lang
	rec := httptest.NewRecorder()
	if err := e.Render(rec, http.StatusOK, page, &cp); err != nil {
		t.Fatalf("%s/%s: %v", lang, page, err)
	}
	if got := rec.Header().Get("Content-Type"); got != "text/html; charset=utf-8" {
		t.Errorf("%s/%s: Content-Type %q", lang, page, got)
	}
	return rec.Body.String()
}

func useRefNow(t *testing.T) {
	old := now
	now = func() time.Time { return refNow }
	t.Cleanup(func() { now = old })
}

func TestRenderAllPages(t *testing.T) {
	useRefNow(t)
	e := newEngine(t)
	samples := samplePages()
	for _, name := range Pages {
		if _, ok := samples[name]; !ok {
			t.Fatalf("no sample data for page %q", name)
		}
	}
	h1re := regexp.MustCompile(`(?s)<h1[^>]*>(.*?)</h1>`)
	for _, lang := range []string{"fr", "en"} {
		for _, name := range Pages {
			s := samples[name]
			out := render(t, e, lang, name, s.page)
			for _, want := range []string{`<html lang="` + lang + `">`, `<a class="skip-link" href="#contenu">`, `<main id="contenu"`, `<!DOCTYPE html>`} {
				if !strings.Contains(out, want) {
					t.Errorf("%s/%s: missing %q", lang, name, want)
				}
			}
			m := h1re.FindAllStringSubmatch(out, -1)
			if len(m) != 1 {
				t.Errorf("%s/%s: %d h1, want 1", lang, name, len(m))
			} else if h1 := html.UnescapeString(m[0][1]); !strings.Contains(h1, s.h1[lang]) {
				t.Errorf("%s/%s: h1 %q does not contain %q", lang, name, h1, s.h1[lang])
			}
			checkHTML(t, lang+"/"+name, out)
			if os.Getenv("VIEW_DUMP") != "" {
				_ = os.WriteFile(filepath.Join(os.Getenv("VIEW_DUMP"), lang+"-"+name+".html"), []byte(out), 0o644)
			}
		}
	}
	if missing := e.Catalog().Missing(); len(missing) > 0 {
		t.Errorf("keys asked for but missing from the locales: %v", missing)
	}
}

func TestRenderEmptyData(t *testing.T) {
	e := newEngine(t)
	empty := map[string]any{
		"home": &HomeData{}, "territory": &TerritoryData{Territory: dept93}, "practice": &PracticeData{},
		"login": &LoginData{}, "practice_form": &PracticeFormData{}, "my_practices": &MyPracticesData{},
		"queue": &QueueData{}, "notifications": &NotificationsData{}, "error": &ErrorData{Status: 500},
	}
	for _, lang := range []string{"fr", "en"} {
		for _, name := range Pages {
			out := render(t, e, lang, name, &Page{Data: empty[name]})
			checkHTML(t, lang+"/"+name+"/empty", out)
		}
	}
	// A nil page renders the layout in French.
	rec := httptest.NewRecorder()
	if err := e.Render(rec, 0, "error", nil); err != nil {
		t.Fatal(err)
	}
	if rec.Code != 200 || !strings.Contains(rec.Body.String(), `lang="fr"`) {
		t.Errorf("nil page: %d %q", rec.Code, rec.Body.String()[:80])
	}
}

func TestPracticeFormErrors(t *testing.T) {
	e := newEngine(t)
	p := samplePages()["practice_form"].page
	out := render(t, e, "fr", "practice_form", p)
	for _, want := range []string{
		`role="alert"`,
		`<a href="#summary">Le résumé est obligatoire.</a>`,
		`<a href="#themes">`,
		`<textarea id="summary" name="summary" rows="3" required aria-invalid="true" aria-describedby="summary-hint summary-error">`,
		`<p class="field-error" id="summary-error">`,
		`id="ended_on" name="ended_on" value="" aria-invalid="true" aria-describedby="ended_on-hint ended_on-error">`,
		`aria-describedby="themes-hint themes-error"`,
		`value="Café des parents &lt;au collège&gt;"`, // typed value kept, escaped
		`value="2025-09-01"`,
		`Collège Garcia-Lorca` + "\n" + `Centre social</textarea>`,
		`<option value="93066" selected>`,
		`<option value="CC-BY-4.0" selected>`,
		`<option value="guide" selected>`,
		`value="education" checked>`,
		`id="kind" name="kind" value="experience" required checked`,
		`action="/fiches/nouvelle"`,
		`name="action" value="save"`, `name="action" value="submit"`,
		`<input type="hidden" name="version" value="0">`,
		"<title>Erreur\u00a0: Nouvelle fiche — Passerelle</title>",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q", want)
		}
	}
	// Fields without an error are not marked invalid.
	if strings.Contains(out, `id="title" name="title" value="Café des parents &lt;au collège&gt;" required aria-invalid`) {
		t.Error("title marked invalid")
	}
	// Edit form posts to the practice's edit URL.
	d := *p.Data.(*PracticeFormData)
	d.ID, d.Version, d.Errors = "b3f1", 7, nil
	edit := render(t, e, "en", "practice_form", &Page{Data: &d})
	for _, want := range []string{`action="/fiches/b3f1/modifier"`, `name="version" value="7"`, "Edit “Café des parents &lt;au collège&gt;”"} {
		if !strings.Contains(edit, want) {
			t.Errorf("edit form: missing %q", want)
		}
	}
	if strings.Contains(edit, "aria-invalid") || strings.Contains(edit, `role="alert"`) {
		t.Error("edit form without errors has error markup")
	}
}

func TestPracticePage(t *testing.T) {
	useRefNow(t)
	e := newEngine(t)
	out := render(t, e, "fr", "practice", samplePages()["practice"].page)
	for _, want := range []string{
		`href="/fiches/b3f1/modifier"`,
		`action="/fiches/b3f1/soumettre"`,
		`action="/fiches/b3f1/decision"`,
		`<legend>Votre décision`,
		`value="request_changes" checked`,
		`aria-describedby="comment-hint comment-error"`,
		`Merci de préciser les partenaires financeurs.`,
		`<ol class="timeline">`,
		`Jean Martin a demandé des modifications`,
		"Statut passé de «\u00a0Brouillon\u00a0» à «\u00a0En relecture\u00a0»",
		`<strong>permanence mobile</strong>`,
		`<dt>Partenaires</dt>`,
		`<time datetime="2025-03-01">1er mars 2025</time>`,
		`(Quartier prioritaire)`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("missing %q", want)
		}
	}
	// Without the permissions, no forms at all.
	d := samplePractice(false)
	d.Practice.CanEdit, d.Practice.CanSubmit, d.Practice.LastComment, d.Practice.History = false, false, "", nil
	out = render(t, e, "en", "practice", &Page{Data: d})
	out = out[strings.Index(out, "<main"):] // the header holds the site's search form
	for _, bad := range []string{"<form", "/modifier", "timeline", "callout"} {
		if strings.Contains(out, bad) {
			t.Errorf("anonymous practice page contains %q", bad)
		}
	}
	// The tool variant.
	out = render(t, e, "en", "practice", &Page{Data: sampleTool()})
	for _, want := range []string{"Creative Commons Attribution-ShareAlike 4.0", `<dd><a href="/outils?format=game">Game</a></dd>`, "Teaching tool", "In review"} {
		if !strings.Contains(out, want) {
			t.Errorf("tool: missing %q", want)
		}
	}
}

func TestLayoutNavigation(t *testing.T) {
	e := newEngine(t)
	anon := render(t, e, "fr", "error", &Page{Path: "/fiches/b3f1", Data: &ErrorData{Status: 404}})
	for _, want := range []string{`href="/login?next=%2ffiches%2fb3f1"`, `href="/fiches/b3f1?lang=en"`, `href="/fiches/b3f1?lang=fr"`, `href="/#territoires"`} {
		if !strings.Contains(anon, want) {
			t.Errorf("anonymous: missing %q", want)
		}
	}
	for _, bad := range []string{"/logout", "/mes-fiches", "/relecture", "/notifications"} {
		if strings.Contains(anon, bad) {
			t.Errorf("anonymous: contains %q", bad)
		}
	}
	e.TerritoriesURL = "/territoires/11"
	mod := render(t, e, "fr", "queue", &Page{Path: "/relecture", User: sampleMod, Unread: 12, Data: &QueueData{}})
	for _, want := range []string{
		`action="/logout"`, `href="/mes-fiches"`, `href="/fiches/nouvelle"`,
		`<a href="/relecture" aria-current="page">`, `href="/territoires/11"`,
		`<span class="count" aria-hidden="true">12</span><span class="visually-hidden"> (12 non lues)</span>`,
	} {
		if !strings.Contains(mod, want) {
			t.Errorf("moderator: missing %q", want)
		}
	}
	contrib := render(t, e, "en", "territory", &Page{Path: "/territoires/11", User: sampleUser, Data: &TerritoryData{Territory: regionIDF}})
	if strings.Contains(contrib, "/relecture") {
		t.Error("contributor sees the review queue")
	}
	if !strings.Contains(contrib, `<a href="/territoires/11" aria-current="page">Territories</a>`) {
		t.Error("Territories not marked current on its page")
	}
	flash := render(t, e, "fr", "home", &Page{Flash: "Fiche enregistrée.", Data: &HomeData{}})
	if !strings.Contains(flash, `<div class="flash" role="status"><p>Fiche enregistrée.</p></div>`) {
		t.Error("flash not shown in a status region")
	}
}

func TestQueueOldestFirst(t *testing.T) {
	useRefNow(t)
	e := newEngine(t)
	out := render(t, e, "fr", "queue", samplePages()["queue"].page)
	a, b := strings.Index(out, "Chantier éducatif"), strings.Index(out, "Budget participatif")
	if a < 0 || b < 0 || a > b {
		t.Errorf("queue not oldest first (%d, %d)", a, b)
	}
	// A length of time, never "depuis il y a …".
	if !strings.Contains(out, "en attente depuis 9 jours") || !strings.Contains(out, "en attente depuis 2 heures") {
		t.Error("waiting time missing")
	}
}

func TestRenderFailureWritesNothing(t *testing.T) {
	e := newEngine(t)
	rec := httptest.NewRecorder()
	// Wrong Data type: the template fails half-way.
	err := e.Render(rec, http.StatusOK, "practice_form", &Page{Data: &LoginData{}})
	if err == nil {
		t.Fatal("no error for a wrong Data type")
	}
	if rec.Body.Len() != 0 || rec.Header().Get("Content-Type") != "" {
		t.Errorf("partial output written: %q", rec.Body.String())
	}
	if err := e.Render(rec, 200, "nope", &Page{}); err == nil {
		t.Error("no error for an unknown page")
	}
}

func TestStatusIsWritten(t *testing.T) {
	e := newEngine(t)
	rec := httptest.NewRecorder()
	if err := e.Render(rec, http.StatusNotFound, "error", &Page{Lang: "en", Data: &ErrorData{Status: 404}}); err != nil {
		t.Fatal(err)
	}
	if rec.Code != 404 || rec.Header().Get("Content-Language") != "en" {
		t.Errorf("code %d, Content-Language %q", rec.Code, rec.Header().Get("Content-Language"))
	}
}

// copyFS copies ui.FS into a MapFS, leaving out the paths of skip.
func copyFS(t *testing.T, skip ...string) fstest.MapFS {
	t.Helper()
	m := fstest.MapFS{}
	err := fs.WalkDir(ui.FS, ".", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || slices.Contains(skip, p) {
			return err
		}
		b, err := fs.ReadFile(ui.FS, p)
		m[p] = &fstest.MapFile{Data: b}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	return m
}

func TestNewFailsWhenPageMissing(t *testing.T) {
	cat, err := LoadCatalog(ui.FS)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := New(copyFS(t), cat); err != nil {
		t.Fatalf("full copy: %v", err)
	}
	for _, page := range Pages {
		_, err := New(copyFS(t, "templates/"+page+".html"), cat)
		if err == nil || !strings.Contains(err.Error(), page) {
			t.Errorf("without %s: err = %v", page, err)
		}
	}
}

func TestNewFailsOnBadTemplate(t *testing.T) {
	cat, err := LoadCatalog(ui.FS)
	if err != nil {
		t.Fatal(err)
	}
	cases := map[string]string{
		"parse error":  `{{define "content"}}{{if}}{{end}}`,
		"unknown func": `{{define "content"}}{{nope "x"}}{{end}}`,
		"no content":   `<p>hello</p>`,
		"escape error": `{{define "content"}}<a href="{{.Path}}{{end}}`,
	}
	for name, src := range cases {
		m := copyFS(t)
		m["templates/login.html"] = &fstest.MapFile{Data: []byte(src)}
		if _, err := New(m, cat); err == nil {
			t.Errorf("%s: New succeeded", name)
		}
	}
}

// checkHTML checks the structure of a rendered page: balanced tags, unique
// ids, references (for, aria-*, #fragment) pointing at existing ids, labelled
// form controls, heading levels without jumps, and no inline script or style.
func checkHTML(t *testing.T, name, doc string) {
	t.Helper()
	void := map[string]bool{"meta": true, "link": true, "img": true, "input": true, "br": true, "hr": true, "source": true}
	tagRe := regexp.MustCompile(`<(/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s[^>]*)?)>`)
	var stack []string
	for _, m := range tagRe.FindAllStringSubmatch(doc, -1) {
		closing, tag := m[1] == "/", strings.ToLower(m[2])
		switch {
		case void[tag]:
		case !closing:
			stack = append(stack, tag)
		case len(stack) == 0 || stack[len(stack)-1] != tag:
			t.Errorf("%s: unexpected </%s>, open: %v", name, tag, stack)
			return
		default:
			stack = stack[:len(stack)-1]
		}
	}
	if len(stack) > 0 {
		t.Errorf("%s: unclosed %v", name, stack)
	}

	ids := map[string]bool{}
	for _, m := range regexp.MustCompile(`\sid="([^"]*)"`).FindAllStringSubmatch(doc, -1) {
		if ids[m[1]] {
			t.Errorf("%s: duplicate id %q", name, m[1])
		}
		ids[m[1]] = true
	}
	refRe := regexp.MustCompile(`\s(for|aria-describedby|aria-labelledby)="([^"]*)"`)
	for _, m := range refRe.FindAllStringSubmatch(doc, -1) {
		for _, id := range strings.Fields(m[2]) {
			if !ids[id] {
				t.Errorf("%s: %s=%q: no element with id %q", name, m[1], m[2], id)
			}
		}
	}
	for _, m := range regexp.MustCompile(`href="#([^"]+)"`).FindAllStringSubmatch(doc, -1) {
		if !ids[m[1]] {
			t.Errorf("%s: link to missing #%s", name, m[1])
		}
	}
	labels := map[string]bool{}
	for _, m := range regexp.MustCompile(`<label for="([^"]+)"`).FindAllStringSubmatch(doc, -1) {
		labels[m[1]] = true
	}
	ctrlRe := regexp.MustCompile(`<(input|select|textarea)\b([^>]*)>`)
	for _, m := range ctrlRe.FindAllStringSubmatch(doc, -1) {
		if strings.Contains(m[2], `type="hidden"`) {
			continue
		}
		id := regexp.MustCompile(`\sid="([^"]+)"`).FindStringSubmatch(m[2])
		if id == nil || !labels[id[1]] {
			t.Errorf("%s: control without label: %s", name, m[0])
		}
	}
	prev := 0
	for _, m := range regexp.MustCompile(`<h([1-6])\b`).FindAllStringSubmatch(doc, -1) {
		lvl := int(m[1][0] - '0')
		if prev == 0 && lvl != 1 {
			t.Errorf("%s: first heading is h%d", name, lvl)
		}
		if lvl > prev+1 {
			t.Errorf("%s: heading jumps from h%d to h%d", name, prev, lvl)
		}
		prev = lvl
	}
	for _, bad := range []*regexp.Regexp{
		regexp.MustCompile(`\sstyle=`),
		regexp.MustCompile(`<style`),
		regexp.MustCompile(`<script(?:\s[^>]*)?>[^<]`),
		regexp.MustCompile(`<script(?:\s(?:[^>s]|s[^r])*)?>`), // a script without src
		regexp.MustCompile(`\son[a-z]+=`),
		regexp.MustCompile(`javascript:`),
	} {
		if loc := bad.FindStringIndex(doc); loc != nil {
			t.Errorf("%s: inline script or style: %q", name, doc[loc[0]:min(loc[1]+40, len(doc))])
		}
	}
}

// The language switch keeps the page and its query; it never leaves the site.
func TestLangURL(t *testing.T) {
	for _, c := range []struct{ path, query, lang, want string }{
		{"", "", "fr", "?lang=fr"},
		{"/recherche", "q=emploi+jeunes&page=2&lang=fr", "en", "/recherche?lang=en&page=2&q=emploi+jeunes"},
		{"/territoires/59", "", "en", "/territoires/59?lang=en"},
		{"//evil.example/x", "", "fr", "/evil.example/x?lang=fr"},
		{"/\\evil.example", "", "fr", "/evil.example?lang=fr"},
	} {
		if got := (&Page{Path: c.path, Query: c.query}).LangURL(c.lang); got != c.want {
			t.Errorf("%q %q → %q, want %q", c.path, c.query, got, c.want)
		}
	}
	e := newEngine(t)
	out := render(t, e, "fr", "error", &Page{Path: "/recherche", Query: "q=emploi&theme=sante", Data: &ErrorData{Status: 404}})
	if !strings.Contains(out, `href="/recherche?lang=en&amp;q=emploi&amp;theme=sante"`) {
		t.Error("the language switch lost the query")
	}
}
