package view

import (
	"io/fs"
	"regexp"
	"slices"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/passerelle/passerelle/ui"
)

func catalog(t *testing.T) *Catalog {
	t.Helper()
	cat, err := LoadCatalog(ui.FS)
	if err != nil {
		t.Fatal(err)
	}
	return cat
}

func TestLocalesHaveSameKeys(t *testing.T) {
	cat := catalog(t)
	if got := cat.Languages(); !slices.Equal(got, []string{"en", "fr"}) {
		t.Fatalf("languages %v", got)
	}
	fr, en := cat.Keys("fr"), cat.Keys("en")
	for _, k := range fr {
		if !slices.Contains(en, k) {
			t.Errorf("en.json lacks %q", k)
		}
	}
	for _, k := range en {
		if !slices.Contains(fr, k) {
			t.Errorf("fr.json lacks %q", k)
		}
	}
	// Placeholders must be the same in both languages (date formats may
	// pick different fields).
	ph := regexp.MustCompile(`\{[a-z0-9_]+\}`)
	for _, k := range fr {
		if strings.HasPrefix(k, "date.") {
			continue
		}
		a := ph.FindAllString(cat.Translator("fr").msgs[k], -1)
		b := ph.FindAllString(cat.Translator("en").msgs[k], -1)
		slices.Sort(a)
		slices.Sort(b)
		if !slices.Equal(slices.Compact(a), slices.Compact(b)) {
			t.Errorf("%s: placeholders %v (fr) vs %v (en)", k, a, b)
		}
	}
}

// templateKeys returns the literal keys of the t and n calls of the templates.
func templateKeys(t *testing.T) (tKeys, nKeys []string) {
	t.Helper()
	re := regexp.MustCompile(`(?:\{\{-?|\()\s*(t|n)\s+"([^"]+)"`)
	err := fs.WalkDir(ui.FS, "templates", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := fs.ReadFile(ui.FS, p)
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			if m[1] == "t" {
				tKeys = append(tKeys, m[2])
			} else {
				nKeys = append(nKeys, m[2])
			}
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(tKeys) < 50 || len(nKeys) < 5 {
		t.Fatalf("the key scan found too little: %d t, %d n", len(tKeys), len(nKeys))
	}
	return tKeys, nKeys
}

func TestTemplateKeysExist(t *testing.T) {
	cat := catalog(t)
	tKeys, nKeys := templateKeys(t)
	for _, lang := range cat.Languages() {
		tr := cat.Translator(lang)
		for _, k := range tKeys {
			if !tr.Has(k) {
				t.Errorf("%s.json: missing %q (used with t)", lang, k)
			}
		}
		for _, k := range nKeys {
			for _, form := range []string{".one", ".other"} {
				if !tr.Has(k + form) {
					t.Errorf("%s.json: missing %q (used with n)", lang, k+form)
				}
			}
		}
	}
}

// Keys built at run time: enumerations and the ones used from Go.
var dynamicFamilies = map[string][]string{
	"kind":           Kinds,
	"status":         Statuses,
	"level":          Levels,
	"format":         Formats,
	"license":        Licenses,
	"history.action": Actions,
	"history.public": PublicActions,
	// Accounts and administration (models_accounts.go).
	"role":                            Roles,
	"audit.action":                    AuditActions,
	"admin.invitations.state":         InvitationStates,
	"invite.problem":                  InvitationProblems,
	"password.problem":                ResetProblems,
	"admin.territories.import.reason": ImportReasons,
	// Network meetings (models_meetings.go).
	"meetings.registration.status": RegistrationStatuses,
	"meetings.agenda.status":       AgendaStatuses,
	// Single sign-on (models_oidc.go).
	"oidc.error": SignInRefusals,
}

func TestDynamicKeysExist(t *testing.T) {
	cat := catalog(t)
	for _, lang := range cat.Languages() {
		tr := cat.Translator(lang)
		for prefix, values := range dynamicFamilies {
			for _, v := range values {
				if !tr.Has(prefix + "." + v) {
					t.Errorf("%s.json: missing %q", lang, prefix+"."+v)
				}
			}
		}
	}
}

func TestNoUnusedKeys(t *testing.T) {
	cat := catalog(t)
	tKeys, nKeys := templateKeys(t)
	used := map[string]bool{}
	for _, k := range tKeys {
		used[k] = true
	}
	for _, k := range nKeys {
		used[k+".one"], used[k+".other"] = true, true
	}
	for prefix, values := range dynamicFamilies {
		for _, v := range values {
			used[prefix+"."+v] = true
		}
	}
	// Keys only Go code asks for; internal/web's TestPageKeysExist checks
	// that each exists and is used.
	fromGo := []string{"error.code.", "flash.", "form.error.", "form.not_submitted", "login.error.", "preferences.category.", "subscriptions.error.", "jobs.", "upload.error.", "size.",
		"admin.error.", "admin.territories.import.error", "admin.territories.import.line", "form.error.rate_limited",
		"discover.filter.", "discover.reuse.error.", "error.field.", "admin.territories.import.reason.",
		"standards.exports.",
		"meetings.feed.", "meetings.csv.", "meetings.files.error.", "meetings.form.stale", "meetings.record.not_yet",
		"meetings.record.title", "meetings.attendance.title",
		"oidc.account.cannot_remove",
		"writing.clock", "writing.autosave.saved", "writing.error.", "writing.files.added", "writing.files.removed", "writing.cover.saved", "writing.cover.removed",
		// The PDF of a sheet (internal/web/pages_pdf.go).
		"readers.pdf.", "readers.contact.error.", "readers.bookmarks.error.",
		// The words of notifications and e-mails: internal/jobs TestMailWords.
		"mail.",
		// The journal's details (internal/web/journal.go; an unknown key shows as written).
		"audit.detail.", "audit.value.",
		// Durations and the charts' words (models_desk.go, internal/web pages_figures.go).
		"desk.duration.", "desk.charts."}
	for _, k := range cat.Keys("fr") {
		if used[k] || strings.HasPrefix(k, "date.") || strings.HasPrefix(k, "since.") || k == "number.group" || k == "number.decimal" ||
			slices.ContainsFunc(fromGo, func(p string) bool { return strings.HasPrefix(k, p) }) {
			continue
		}
		t.Errorf("unused key %q", k)
	}
}

func TestTranslator(t *testing.T) {
	cat := catalog(t)
	fr, en := cat.Translator("fr"), cat.Translator("en")
	if fr.Lang() != "fr" || en.Lang() != "en" || cat.Translator("de").Lang() != "fr" {
		t.Error("Lang")
	}
	// Placeholders.
	if got := fr.T("nav.signed_in_as", "name", "Awa"); got != "Compte\u00a0: Awa" {
		t.Errorf("T placeholder: %q", got)
	}
	if got := en.T("pagination.status", "page", 2, "pages", 1500); got != "Page 2 of 1,500" {
		t.Errorf("T int placeholder: %q", got)
	}
	// Unknown keys render as the key and are reported.
	if got := fr.T("no.such.key"); got != "no.such.key" {
		t.Errorf("unknown key: %q", got)
	}
	if !slices.Contains(cat.Missing(), "fr:no.such.key") {
		t.Errorf("unknown key not reported: %v", cat.Missing())
	}
	// Plurals: French 0 and 1 are singular, English only 1.
	for _, c := range []struct {
		tr   *Translator
		n    int
		want string
	}{
		{fr, 0, "0 fiche"}, {fr, 1, "1 fiche"}, {fr, 2, "2 fiches"}, {fr, 12345, "12\u202f345 fiches"},
		{en, 0, "0 practices"}, {en, 1, "1 practice"}, {en, 2, "2 practices"}, {en, 12345, "12,345 practices"},
	} {
		if got := c.tr.N("territory.count", c.n); got != c.want {
			t.Errorf("%s N(%d) = %q, want %q", c.tr.Lang(), c.n, got, c.want)
		}
	}
	if got := fr.N("territory.total", 3, "name", "Saint-Denis"); got != "3 fiches publiées pour Saint-Denis et les territoires rattachés." {
		t.Errorf("N with args: %q", got)
	}
	// Numbers.
	for n, want := range map[int]string{0: "0", 999: "999", 1000: "1\u202f000", 12345: "12\u202f345", 1234567: "1\u202f234\u202f567", -12345: "-12\u202f345"} {
		if got := fr.Number(n); got != want {
			t.Errorf("fr Number(%d) = %q, want %q", n, got, want)
		}
	}
	if got := en.Number(1234567); got != "1,234,567" {
		t.Errorf("en Number = %q", got)
	}
	for v, want := range map[float64][2]string{0: {"0,0", "0.0"}, 2.25: {"2,2", "2.2"}, 1234.56: {"1\u202f234,6", "1,234.6"}, -0.4: {"-0,4", "-0.4"}} {
		if got := fr.Decimal(v); got != want[0] {
			t.Errorf("fr Decimal(%v) = %q, want %q", v, got, want[0])
		}
		if got := en.Decimal(v); got != want[1] {
			t.Errorf("en Decimal(%v) = %q, want %q", v, got, want[1])
		}
	}
	// Dates, in Paris time.
	d := time.Date(2026, time.November, 28, 13, 5, 0, 0, time.UTC)
	if got := fr.Date(d); got != "28 novembre 2026" {
		t.Errorf("fr Date = %q", got)
	}
	if got := en.Date(d); got != "28 November 2026" {
		t.Errorf("en Date = %q", got)
	}
	if got := fr.Date(time.Date(2026, time.March, 1, 12, 0, 0, 0, time.UTC)); got != "1er mars 2026" {
		t.Errorf("fr Date 1st = %q", got)
	}
	if got := fr.Date(time.Date(2026, time.August, 31, 23, 30, 0, 0, time.UTC)); got != "1er septembre 2026" {
		t.Errorf("fr Date is not in Paris time: %q", got)
	}
	if got := fr.DateTime(d); got != "28 novembre 2026 à 14\u00a0h\u00a005" {
		t.Errorf("fr DateTime = %q", got)
	}
	if got := en.DateTime(d); got != "28 November 2026 at 14:05" {
		t.Errorf("en DateTime = %q", got)
	}
	if fr.Date(time.Time{}) != "" || fr.DateTime(time.Time{}) != "" || fr.Since(time.Time{}) != "" {
		t.Error("zero time not empty")
	}
}

func TestSince(t *testing.T) {
	useRefNow(t)
	cat := catalog(t)
	fr, en := cat.Translator("fr"), cat.Translator("en")
	for _, c := range []struct {
		ago    time.Duration
		fr, en string
	}{
		{10 * time.Second, "à l’instant", "just now"},
		{-time.Hour, "à l’instant", "just now"},
		{time.Minute, "il y a 1 minute", "1 minute ago"},
		{45 * time.Minute, "il y a 45 minutes", "45 minutes ago"},
		{3 * time.Hour, "il y a 3 heures", "3 hours ago"},
		{3 * 24 * time.Hour, "il y a 3 jours", "3 days ago"},
		{24 * time.Hour, "il y a 1 jour", "1 day ago"},
		{65 * 24 * time.Hour, "il y a 2 mois", "2 months ago"},
		{800 * 24 * time.Hour, "il y a 2 ans", "2 years ago"},
	} {
		at := refNow.Add(-c.ago)
		if got := fr.Since(at); got != c.fr {
			t.Errorf("fr Since(-%v) = %q, want %q", c.ago, got, c.fr)
		}
		if got := en.Since(at); got != c.en {
			t.Errorf("en Since(-%v) = %q, want %q", c.ago, got, c.en)
		}
	}
}

func TestNegotiate(t *testing.T) {
	cat := catalog(t)
	for _, c := range []struct{ accept, cookie, want string }{
		{"", "", "fr"},
		{"en-GB,en;q=0.9", "", "en"},
		{"de-DE,de;q=0.9,en;q=0.5", "", "en"},
		{"de-DE,de;q=0.9", "", "fr"},
		{"en;q=0.4,fr;q=0.8", "", "fr"},
		{"fr-CA;q=0.3, EN-us", "", "en"},
		{"en;q=0", "", "fr"},
		{"*", "", "fr"},
		{"en", "fr", "fr"},
		{"fr", "en", "en"},
		{"fr", "xx", "fr"},
		{"en", "", "en"},
		{"garbage;;q=x", "", "fr"},
	} {
		if got := cat.Negotiate(c.accept, c.cookie); got != c.want {
			t.Errorf("Negotiate(%q, %q) = %q, want %q", c.accept, c.cookie, got, c.want)
		}
	}
}

func TestLoadCatalogErrors(t *testing.T) {
	for name, m := range map[string]fstest.MapFS{
		"no fr":        {"locales/en.json": {Data: []byte(`{"a":"b"}`)}},
		"duplicate":    {"locales/fr.json": {Data: []byte(`{"a":"b","a":"c"}`)}},
		"not a string": {"locales/fr.json": {Data: []byte(`{"a":1}`)}},
		"nested":       {"locales/fr.json": {Data: []byte(`{"a":{"b":"c"}}`)}},
		"trailing":     {"locales/fr.json": {Data: []byte(`{"a":"b"} {}`)}},
	} {
		if _, err := LoadCatalog(m); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	// Files at the root work too.
	cat, err := LoadCatalog(fstest.MapFS{"fr.json": {Data: []byte(`{"a":"b"}`)}})
	if err != nil || cat.Translator("fr").T("a") != "b" {
		t.Errorf("root locale: %v", err)
	}
}
