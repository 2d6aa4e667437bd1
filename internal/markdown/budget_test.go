package markdown_test

import (
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/markdown"
)

// maxBody is the longest body the practice form accepts, in characters
// (passerelle.maxBody).
const maxBody = 100_000

// slowBodies are texts of the form's maximum length that took seconds to
// render before the budget (goldmark 1.8.7, one core): each must be
// refused at save, and shown as plain text, quickly, if stored before.
var slowBodies = []struct {
	name, src, limit string
	before           string // measured render time before the budget
}{
	{"unclosed links, then text", strings.Repeat("[a](", 1000) + strings.Repeat("x", maxBody-4000), markdown.LimitCost, "1.4–2.9 s"},
	{"unclosed links", strings.Repeat("[a](", maxBody/4), markdown.LimitCost, "14 s"},
	{"a run of brackets", strings.Repeat("[", maxBody), markdown.LimitCost, "0.1–0.5 s"},
	{"a run of image brackets", strings.Repeat("![", maxBody/2), markdown.LimitCost, "0.15 s"},
	{"block quotes nested on one line", strings.Repeat(">", maxBody), markdown.LimitNesting, "24 s"},
	{"quotes and lists nested", strings.Repeat("> - ", maxBody/4), markdown.LimitNesting, "10 s"},
	{"lists nested by indentation", nestedList(maxBody), markdown.LimitNesting, "0.35–0.43 s"},
	{"emphasis everywhere", strings.Repeat("*a", maxBody/2), markdown.LimitCost, "0.19–0.41 s"},
	{"mixed emphasis", strings.Repeat("*_", maxBody/2), markdown.LimitCost, "0.29–0.5 s"},
	{"reference definitions", strings.Repeat("[a]: b\n", maxBody/7), markdown.LimitReferences, "0.26–0.67 s"},
	{"a wide table with many rows", "|" + strings.Repeat("a|", 5000) + "\n|" + strings.Repeat("-|", 5000) + "\n" + strings.Repeat("|a\n", 5000), markdown.LimitTable, "5 min, 250 MB of HTML"},
	{"a table of 32 columns, rows to the end", "|" + strings.Repeat("a|", 32) + "\n|" + strings.Repeat("-|", 32) + "\n" + strings.Repeat("|a\n", (maxBody-200)/3), markdown.LimitCost, "6.5–7.9 s, 11 MB of HTML"},
}

func nestedList(size int) string {
	var b strings.Builder
	for i := 0; b.Len() < size-2*i-4; i++ {
		b.WriteString(strings.Repeat("  ", i) + "- a\n")
	}
	return b.String()
}

func TestSlowBodiesRefused(t *testing.T) {
	for _, tc := range slowBodies {
		t.Run(tc.name, func(t *testing.T) {
			err := markdown.Check(tc.src)
			var e *markdown.TooComplexError
			if !markdown.IsTooComplex(err) {
				t.Fatalf("Check accepts it (it took %s to render)", tc.before)
			}
			if e = err.(*markdown.TooComplexError); e.Limit != tc.limit {
				t.Errorf("limit %q, want %q", e.Limit, tc.limit)
			}
			if _, err := markdown.RenderChecked(tc.src); !markdown.IsTooComplex(err) {
				t.Errorf("RenderChecked: %v, want a TooComplexError", err)
			}
			// Stored before the budget: shown as text, in one pass (the
			// allocations of escaping a text, not of parsing it; the time
			// is BenchmarkRenderRefused's).
			html := string(markdown.Render(tc.src))
			if a := testing.AllocsPerRun(1, func() { markdown.Render(tc.src) }); a > maxPlainAllocs {
				t.Errorf("Render beyond the budget made %.0f allocations, want ≤ %d", a, maxPlainAllocs)
			}
			if strings.Contains(html, "<blockquote") || strings.Contains(html, "<table") || strings.Contains(html, "<em") || !strings.HasPrefix(html, "<p>") {
				t.Errorf("Render beyond the budget is not plain text: %.200s", html)
			}
		})
	}
}

// worstAccepted are the most expensive bodies Check accepts, one for each
// shape that costs more than its length: each is its shape repeated as
// often as the budget allows, up to the form's maximum length.
func worstAccepted(t testing.TB) map[string]string {
	t.Helper()
	shapes := map[string]func(k int) string{
		"prose": func(k int) string {
			return strings.Repeat("Des entreprises rencontrent des habitants du quartier. ", k)
		},
		"unclosed links":          func(k int) string { return strings.Repeat("[a](", k) },
		"unclosed links and text": func(k int) string { return strings.Repeat("[a](", k) + strings.Repeat("x", maxBody-4*k) },
		"links":                   func(k int) string { return strings.Repeat("[lien](https://example.org/) ", k) },
		"links closed far away":   func(k int) string { return strings.Repeat("[a](", k) + strings.Repeat("x", 20_000) + ")" },
		"brackets":                func(k int) string { return strings.Repeat("[", k) },
		"emphasis":                func(k int) string { return strings.Repeat("*a", k) },
		"mixed emphasis":          func(k int) string { return strings.Repeat("*_", k) },
		"code spans":              func(k int) string { return strings.Repeat("`a` ``b`` ", k) },
		"autolinks":               func(k int) string { return strings.Repeat("<a ", k) },
		"nested quotes":           func(k int) string { return strings.Repeat(strings.Repeat(">", markdown.MaxNesting)+" a\n", k) },
		"nested lists":            func(k int) string { return strings.Repeat(nestedList(markdown.MaxIndent*markdown.MaxIndent/4), k) },
		"references": func(k int) string {
			return strings.Repeat("[a]: b\n", min(k, markdown.MaxReferences)) + strings.Repeat("[a] ", k)
		},
		"table": func(k int) string {
			return "|" + strings.Repeat("a|", markdown.MaxTableColumns) + "\n|" + strings.Repeat("-|", markdown.MaxTableColumns) + "\n" + strings.Repeat("|a\n", k)
		},
	}
	out := map[string]string{}
	for name, gen := range shapes {
		// The largest k whose text is accepted and no longer than the
		// form allows.
		ok := func(k int) bool { s := gen(k); return len([]rune(s)) <= maxBody && markdown.Check(s) == nil }
		lo, hi := 0, 1
		for ok(hi) && hi < maxBody {
			lo, hi = hi, hi*2
		}
		for hi-lo > 1 {
			if mid := (lo + hi) / 2; ok(mid) {
				lo = mid
			} else {
				hi = mid
			}
		}
		if lo == 0 {
			t.Fatalf("%s: not even one is accepted", name)
		}
		out[name] = gen(lo)
	}
	return out
}

// The bounds a render of an accepted body keeps, whatever its shape: they
// are counts, so that a busy machine cannot fail them; the time (≤ 50 ms
// for the worst shape, on one core) is BenchmarkRenderWorstAccepted's,
// run by make bench.
const (
	maxHTMLBytes   = 4 * maxBody // the HTML of one accepted body
	maxAllocs      = 250_000     // the allocations of rendering it
	maxPlainAllocs = 200         // the allocations of showing a refused body as text
)

func TestWorstAcceptedWithinBudget(t *testing.T) {
	for name, src := range worstAccepted(t) {
		html, err := markdown.RenderChecked(src)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		allocs := testing.AllocsPerRun(1, func() { markdown.Render(src) })
		t.Logf("%-24s %6d bytes → %7d bytes of HTML, %7.0f allocations", name, len(src), len(html), allocs)
		if len(html) > maxHTMLBytes {
			t.Errorf("%s: %d bytes of HTML, want ≤ %d", name, len(html), maxHTMLBytes)
		}
		if allocs > maxAllocs {
			t.Errorf("%s: %.0f allocations, want ≤ %d", name, allocs, maxAllocs)
		}
	}
}

// BenchmarkRenderWorstAccepted times the most expensive accepted bodies;
// make bench reports the worst against the 50 ms budget.
func BenchmarkRenderWorstAccepted(b *testing.B) {
	for name, src := range worstAccepted(b) {
		b.Run(name, func(b *testing.B) {
			b.SetBytes(int64(len(src)))
			for b.Loop() {
				markdown.Render(src)
			}
		})
	}
}

// BenchmarkRenderRefused times showing, as plain text, a body stored before
// the budget that the budget refuses (it took seconds to minutes before).
func BenchmarkRenderRefused(b *testing.B) {
	for _, tc := range slowBodies {
		b.Run(tc.name, func(b *testing.B) {
			b.SetBytes(int64(len(tc.src)))
			for b.Loop() {
				markdown.Render(tc.src)
			}
		})
	}
}

func BenchmarkCheck(b *testing.B) {
	src := strings.Repeat("Des **entreprises** rencontrent des [habitants](https://example.org/) du quartier.\n\n", maxBody/85)
	b.SetBytes(int64(len(src)))
	for b.Loop() {
		_ = markdown.Check(src)
	}
}

// A long sheet written as people write: headings, lists, links, emphasis,
// a table, up to the form's maximum length, is accepted.
func TestRealisticBodyAccepted(t *testing.T) {
	section := "## Le forum de l'emploi\n\nDes **entreprises** rencontrent des habitants du quartier, avec la " +
		"[mission locale](https://www.mission-locale.fr/) et *France Travail*. Les CV sont anonymes : " +
		"seules les compétences comptent (voir <https://www.anct.gouv.fr>).\n\n" +
		"- accueil des candidats ;\n- ateliers de préparation ;\n  - simulation d'entretien ;\n  - conseils de présentation ;\n" +
		"- suivi à trois mois.\n\n> « On ne se sentait plus jugés sur l'adresse. » — une participante\n\n" +
		"| Année | Candidats | Embauches |\n|:--|--:|--:|\n| 2023 | 120 | 31 |\n| 2024 | 150 | 42 |\n\n"
	src := strings.Repeat(section, maxBody/len([]rune(section)))
	if err := markdown.Check(src); err != nil {
		cost, _ := markdown.Cost(src)
		t.Fatalf("a realistic body of %d characters is refused: %v (cost %d)", len([]rune(src)), err, cost)
	}
}
