package demo

import (
	"bytes"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/reference"
)

var urlSafe = regexp.MustCompile(`^[A-Za-z0-9-]+$`)

func territoryIndex(t *testing.T) map[string]Territory {
	t.Helper()
	idx := make(map[string]Territory, len(Territories))
	for _, tr := range Territories {
		idx[tr.Code] = tr
	}
	return idx
}

// covers reports whether the territory code is anc or one of its descendants.
func covers(idx map[string]Territory, anc, code string) bool {
	for i := 0; code != "" && i <= len(idx); i++ {
		if code == anc {
			return true
		}
		code = idx[code].Parent
	}
	return false
}

func TestTerritories(t *testing.T) {
	levels := map[string]bool{"region": true, "department": true, "epci": true, "commune": true, "qpv": true, "other": true}
	seen := map[string]bool{}
	roots := 0
	for i, tr := range Territories {
		if !urlSafe.MatchString(tr.Code) {
			t.Errorf("territory %d %q: code is not URL-safe", i, tr.Code)
		}
		if seen[tr.Code] {
			t.Errorf("territory %q: duplicate code", tr.Code)
		}
		if strings.TrimSpace(tr.Name) == "" {
			t.Errorf("territory %q: empty name", tr.Code)
		}
		if !levels[tr.Level] {
			t.Errorf("territory %q: invalid level %q", tr.Code, tr.Level)
		}
		if tr.Level == "qpv" && !strings.HasPrefix(tr.Code, "qpv-") {
			t.Errorf("territory %q: QPV codes must be local codes prefixed with qpv-", tr.Code)
		}
		if tr.Parent == "" {
			roots++
		} else if !seen[tr.Parent] {
			t.Errorf("territory %q: parent %q missing or listed later", tr.Code, tr.Parent)
		}
		seen[tr.Code] = true
	}
	if roots != 1 {
		t.Errorf("want exactly one root territory, got %d", roots)
	}
}

func TestThemes(t *testing.T) {
	seen := map[string]bool{}
	for _, th := range Themes {
		if !urlSafe.MatchString(th.Slug) || strings.ToLower(th.Slug) != th.Slug {
			t.Errorf("theme %q: slug must be lower-case and URL-safe", th.Slug)
		}
		if seen[th.Slug] {
			t.Errorf("theme %q: duplicate slug", th.Slug)
		}
		if strings.TrimSpace(th.Name) == "" {
			t.Errorf("theme %q: empty name", th.Slug)
		}
		seen[th.Slug] = true
	}
}

func TestAccounts(t *testing.T) {
	idx := territoryIndex(t)
	roles := map[string]bool{"contributor": true, "moderator": true}
	seen := map[string]bool{}
	admins, readers := 0, 0
	for _, a := range Accounts {
		if !strings.HasSuffix(a.Email, "@passerelle.test") || strings.ToLower(a.Email) != a.Email {
			t.Errorf("account %q: e-mail must be lower-case @passerelle.test", a.Email)
		}
		if seen[a.Email] {
			t.Errorf("account %q: duplicate e-mail", a.Email)
		}
		seen[a.Email] = true
		if strings.TrimSpace(a.Name) == "" {
			t.Errorf("account %q: empty name", a.Email)
		}
		if a.Password != DemoPassword {
			t.Errorf("account %q: password is not DemoPassword", a.Email)
		}
		if a.Admin {
			admins++
		}
		if !a.Admin && len(a.Grants) == 0 {
			readers++
		}
		for _, g := range a.Grants {
			if !roles[g.Role] {
				t.Errorf("account %q: invalid role %q", a.Email, g.Role)
			}
			if _, ok := idx[g.Territory]; !ok {
				t.Errorf("account %q: grant on unknown territory %q", a.Email, g.Territory)
			}
		}
	}
	if !seen["admin@passerelle.test"] || admins == 0 {
		t.Error("admin@passerelle.test must exist and be an administrator")
	}
	if readers == 0 {
		t.Error("want at least one reader without grants")
	}
}

func TestLogins(t *testing.T) {
	logins := Logins()
	if len(logins) != len(Accounts) {
		t.Fatalf("Logins returned %d accounts, want %d", len(logins), len(Accounts))
	}
	if !logins[0].Admin {
		t.Errorf("first login is %q, want an administrator", logins[0].Email)
	}
	if last := logins[len(logins)-1]; last.Admin || len(last.Grants) != 0 {
		t.Errorf("last login is %q, want the reader", last.Email)
	}
	seen := map[string]bool{}
	for _, a := range logins {
		seen[a.Email] = true
	}
	for _, a := range Accounts {
		if !seen[a.Email] {
			t.Errorf("Logins is missing %q", a.Email)
		}
	}
	// The result must be a copy.
	for i := range logins {
		if len(logins[i].Grants) > 0 {
			logins[i].Grants[0].Role = "changed"
		}
	}
	for _, a := range Accounts {
		for _, g := range a.Grants {
			if g.Role == "changed" {
				t.Fatal("Logins shares grants with Accounts")
			}
		}
	}
}

// words counts the whitespace-separated tokens that contain a letter, so
// that Markdown markers such as "##" or "-" are not counted.
func words(s string) int {
	n := 0
	for _, f := range strings.Fields(s) {
		if strings.IndexFunc(f, unicode.IsLetter) >= 0 {
			n++
		}
	}
	return n
}

func parseDate(t *testing.T, where, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		t.Errorf("%s: invalid date %q: %v", where, s, err)
	}
	return d
}

func TestPractices(t *testing.T) {
	idx := territoryIndex(t)
	themes := map[string]bool{}
	for _, th := range Themes {
		themes[th.Slug] = true
	}
	accounts := map[string]Account{}
	for _, a := range Accounts {
		accounts[a.Email] = a
	}
	formats := map[string]bool{"kit": true, "game": true, "guide": true, "video": true, "training": true, "other": true}
	licenses := map[string]bool{
		"CC-BY-4.0": true, "CC-BY-SA-4.0": true, "CC-BY-NC-4.0": true, "CC-BY-NC-SA-4.0": true,
		"CC-BY-ND-4.0": true, "CC-BY-NC-ND-4.0": true, "CC0-1.0": true, "Etalab-2.0": true,
	}
	language := regexp.MustCompile(`^[a-z]{2}$`)

	status := map[string]int{}
	kinds := map[string]int{}
	territories := map[string]bool{}
	titles := map[string]bool{}
	for i, p := range Practices {
		where := fmt.Sprintf("practice %d %q", i, p.Title)
		status[p.Status]++
		kinds[p.Kind]++
		territories[p.Territory] = true

		if strings.TrimSpace(p.Title) == "" || strings.TrimSpace(p.Summary) == "" || strings.TrimSpace(p.Body) == "" {
			t.Errorf("%s: title, summary and body are required", where)
		}
		if titles[p.Title] {
			t.Errorf("%s: duplicate title", where)
		}
		titles[p.Title] = true
		if strings.Contains(p.Body, "\t") || p.Body != strings.TrimSpace(p.Body) {
			t.Errorf("%s: body has tabs or surrounding blank space", where)
		}
		if !strings.HasPrefix(p.Body, "## ") {
			t.Errorf("%s: body should start with a Markdown heading", where)
		}
		if n := words(p.Body); p.Status != "draft" && (n < 120 || n > 300) {
			t.Errorf("%s: body has %d words, want 120–300", where, n)
		}
		switch p.Status {
		case "published", "submitted", "draft":
		default:
			t.Errorf("%s: invalid status %q", where, p.Status)
		}

		if _, ok := idx[p.Territory]; !ok {
			t.Errorf("%s: unknown territory %q", where, p.Territory)
		}
		if len(p.Themes) == 0 {
			t.Errorf("%s: no theme", where)
		}
		seenTheme := map[string]bool{}
		for _, th := range p.Themes {
			if !themes[th] {
				t.Errorf("%s: unknown theme %q", where, th)
			}
			if seenTheme[th] {
				t.Errorf("%s: duplicate theme %q", where, th)
			}
			seenTheme[th] = true
		}

		author, ok := accounts[p.Author]
		if !ok {
			t.Errorf("%s: unknown author %q", where, p.Author)
		} else {
			granted := false
			for _, g := range author.Grants {
				if g.Role == "contributor" && covers(idx, g.Territory, p.Territory) {
					granted = true
				}
			}
			if !granted {
				t.Errorf("%s: author %q has no contributor grant covering %q", where, p.Author, p.Territory)
			}
		}

		complete := p.Status != "draft"
		switch p.Kind {
		case "experience":
			if p.Experience == nil || p.Tool != nil {
				t.Errorf("%s: experience needs Experience and no Tool", where)
				continue
			}
			e := p.Experience
			if complete && (e.Context == "" || e.Actions == "" || e.Results == "" || e.Lessons == "" || len(e.Partners) == 0 || e.StartedOn == "") {
				t.Errorf("%s: incomplete experience fields", where)
			}
			for _, partner := range e.Partners {
				if strings.TrimSpace(partner) == "" {
					t.Errorf("%s: empty partner", where)
				}
			}
			var start, end time.Time
			if e.StartedOn != "" {
				start = parseDate(t, where, e.StartedOn)
			}
			if e.EndedOn != "" {
				if e.StartedOn == "" {
					t.Errorf("%s: end date without start date", where)
				}
				end = parseDate(t, where, e.EndedOn)
				if end.Before(start) {
					t.Errorf("%s: ends %s before it starts %s", where, e.EndedOn, e.StartedOn)
				}
			}
		case "tool":
			if p.Tool == nil || p.Experience != nil {
				t.Errorf("%s: tool needs Tool and no Experience", where)
				continue
			}
			tl := p.Tool
			if complete && (len(tl.Audience) == 0 || tl.Format == "" || tl.Duration == "" || tl.License == "" || len(tl.Languages) == 0) {
				t.Errorf("%s: incomplete tool fields", where)
			}
			if tl.Format != "" && !formats[tl.Format] {
				t.Errorf("%s: invalid format %q", where, tl.Format)
			}
			if tl.License != "" && !licenses[tl.License] {
				t.Errorf("%s: license %q not in the allowed set", where, tl.License)
			}
			for _, l := range tl.Languages {
				if !language.MatchString(l) {
					t.Errorf("%s: invalid language %q", where, l)
				}
			}
		default:
			t.Errorf("%s: invalid kind %q", where, p.Kind)
		}
	}

	if status["published"] < 9 || status["submitted"] < 3 || status["draft"] < 1 {
		t.Errorf("want ≥9 published, ≥3 submitted, ≥1 draft; got %v", status)
	}
	if kinds["experience"] == 0 || kinds["tool"] == 0 {
		t.Errorf("want both experiences and tools; got %v", kinds)
	}
	for _, dep := range []string{"59", "62"} {
		found := false
		for code := range territories {
			if idx[code].Level != "department" && covers(idx, dep, code) {
				found = true
			}
		}
		if !found {
			t.Errorf("no practice below department %s", dep)
		}
	}
	qpv := false
	for code := range territories {
		qpv = qpv || idx[code].Level == "qpv"
	}
	if !qpv {
		t.Error("no practice in a QPV")
	}
}

// TestReferenceHoldsTheDemo checks that the reference file the demo imports
// is sound and holds every territory of the demo list but the priority
// neighbourhoods, which Load adds below their communes.
func TestReferenceHoldsTheDemo(t *testing.T) {
	rows, err := passerelle.ParseTerritoryCSV(bytes.NewReader(reference.HautsDeFrance))
	if err != nil {
		t.Fatal(err)
	}
	plan, err := passerelle.PlanImport(nil, rows)
	if err != nil {
		t.Fatal(err)
	}
	if len(plan.Create) != len(rows) {
		t.Errorf("plan creates %d of %d territories", len(plan.Create), len(rows))
	}
	inFile := map[string]passerelle.Territory{}
	for _, r := range rows {
		inFile[r.Territory.Code] = r.Territory
	}
	for _, want := range []string{"32", "02", "59", "60", "62", "80", "200093201"} {
		if _, ok := inFile[want]; !ok {
			t.Errorf("reference file lacks %s", want)
		}
	}
	for _, tr := range Territories {
		if _, ok := inFile[tr.Code]; !ok && tr.Level != "qpv" {
			t.Errorf("demo territory %s (%s) is not in the reference file", tr.Code, tr.Name)
		}
	}
	if got := len(TerritoryCodes()); got != len(rows)+6 {
		t.Errorf("TerritoryCodes: %d, want the %d of the file and the 6 QPVs", got, len(rows))
	}
}
