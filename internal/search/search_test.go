package search_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/search"
)

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Égalité":             "egalite",
		"ŒUVRE cœur":          "oeuvre coeur",
		"d’embauche":          "d'embauche",
		"Ça, à l'école":       "ca, a l'ecole",
		"e\u0301galite\u0301": "egalite", // decomposed accents
		"ﬁlle":                "fille",
		"naïve Noël":          "naive noel",
		"plain ASCII":         "plain ascii",
		"😀 emoji":             "😀 emoji",
	} {
		if got := search.Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWords(t *testing.T) {
	got := search.Words("L’égalité femmes-hommes, en 2024 : 42 % !")
	want := []string{"l", "egalite", "femmes", "hommes", "en", "2024", "42"}
	if !slices.Equal(got, want) {
		t.Errorf("Words = %q, want %q", got, want)
	}
	if got := search.Words(strings.Repeat("a", search.MaxWordLen+1) + " mot"); !slices.Equal(got, []string{"mot"}) {
		t.Errorf("an over-long run of letters is not a word: %q", got)
	}
}

// TestStemsMeet checks the pairs readers expect to find each other: plural
// and singular, with and without accents, verb and noun, verb forms.
func TestStemsMeet(t *testing.T) {
	for _, tt := range []struct{ query, text string }{
		{"discrimination", "discriminations"},
		{"egalite", "égalité"},
		{"egalites", "l'égalité"},
		{"pedagogiques", "pédagogique"},
		{"embaucher", "embauche"},
		{"embaucher", "embauchés"},
		{"quartier", "Quartiers"},
		{"collegien", "collégiens"},
		{"Diplômée", "diplômés"},
		{"diplomes", "diplômée"},
		{"rencontrer", "ils rencontrent"},
		{"rencontrent", "une rencontre"},
		{"recruter", "recrutement"},
	} {
		doc := " " + search.IndexText(tt.text) + " "
		q := search.Parse(tt.query)
		found := false
		for _, s := range q.Stems() {
			found = found || strings.Contains(doc, " "+s+" ")
		}
		if !found {
			t.Errorf("%q (%q) does not meet %q (%q)", tt.query, q.Stems(), tt.text, doc)
		}
	}
	if got := search.IndexText("le la des"); got != "" {
		t.Errorf("stop words are indexed: %q", got)
	}
}

func TestVariants(t *testing.T) {
	for w, want := range map[string][]string{
		"diplomee":    {"diplome"},
		"diplomees":   {"diplomes"},
		"rencontrent": {"rencontr"},
		"moment":      nil, // too short a root to be a verb worth guessing
		"egalite":     nil,
	} {
		if got := search.Variants(w); !slices.Equal(got, want) {
			t.Errorf("Variants(%q) = %q, want %q", w, got, want)
		}
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, in string
		fts5     string
		ignored  []string
	}{
		{"words", "Égalité femmes", `"egalit" AND "femm"`, nil},
		{"stop words", "le forum de l'emploi", `"forum" AND "emploi"`, []string{"le", "de", "l"}},
		{"only stop words", "le la les", "", []string{"le", "la", "les"}},
		{"phrase", `"lutte contre les discriminations" jeunes`, `"lutt contr discrimin" AND "jeun"`, nil},
		{"unclosed phrase", `"lutte contre`, `"lutt contr"`, nil},
		{"exclusion", "forum -emploi", `("forum") NOT "emploi"`, nil},
		{"excluded phrase", `forum -"cv anonyme"`, `("forum") NOT "cv anonym"`, nil},
		{"hyphen inside a word", "femmes-hommes", `"femm" AND "homm"`, nil},
		{"only exclusions", "-forum", "", nil},
		{"operators are words", `forum AND NOT (emploi OR NEAR(a b)) *`, `"forum" AND "and" AND "not" AND "emploi" AND "or" AND "near" AND "b"`, []string{"a"}},
		{"SQL is words", `'; DROP TABLE practices; --`, `"drop" AND "tabl" AND "practic"`, nil},
		{"duplicates once", "forum forums Forum", `"forum"`, nil},
		{"emoji and controls", "😀\x00forum\x1f🎉", `"forum"`, nil},
		{"invalid UTF-8", "\xff\xfeforum", `"forum"`, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := search.Parse(tt.in)
			if got := q.FTS5(); got != tt.fts5 {
				t.Errorf("FTS5() = %s, want %s", got, tt.fts5)
			}
			if !slices.Equal(q.Ignored, tt.ignored) {
				t.Errorf("Ignored = %q, want %q", q.Ignored, tt.ignored)
			}
			if q.Empty() != (tt.fts5 == "") {
				t.Errorf("Empty() = %v", q.Empty())
			}
		})
	}
}

func TestParseBounded(t *testing.T) {
	q := search.Parse(strings.Repeat("discrimination égalité embauche quartier habitants école ", 2000))
	// Six words, and perhaps a seventh: the text is cut at MaxQueryBytes,
	// maybe within a word.
	if n := len(q.Terms); n < 6 || n > 7 {
		t.Errorf("%d terms from repeated words, want 6", n)
	}
	var words []string
	for i := range 100 {
		words = append(words, "mot"+strings.Repeat("x", i%30)+string(rune('a'+i%26)))
	}
	q = search.Parse(strings.Join(words, " "))
	if len(q.Terms) != search.MaxTerms || len(q.Ignored) == 0 {
		t.Errorf("%d terms, %d ignored, want %d terms", len(q.Terms), len(q.Ignored), search.MaxTerms)
	}
}

func TestHighlight(t *testing.T) {
	text := search.PlainText("## Le constat\n\nÀ Lille-Sud, les **discriminations** à l’embauche sont fréquentes. " +
		"Nous avons organisé un [forum](https://example.org) pour <embaucher> sans préjugés.")
	if strings.ContainsAny(text, "#*[]") || strings.Contains(text, "example.org") {
		t.Errorf("PlainText left Markdown: %q", text)
	}
	got, found := search.Highlight(text, search.Parse("discrimination embaucher"), 400)
	want := "À Lille-Sud, les <mark>discriminations</mark> à l’<mark>embauche</mark> sont fréquentes. " +
		"Nous avons organisé un forum pour &lt;<mark>embaucher</mark>&gt; sans préjugés."
	if !found || !strings.HasSuffix(got, want) {
		t.Errorf("Highlight = %q (%v), want it to end with %q", got, found, want)
	}
	short, _ := search.Highlight(text, search.Parse("préjugés"), 40)
	if !strings.HasPrefix(short, "… ") || !strings.Contains(short, "<mark>préjugés</mark>") {
		t.Errorf("short extract around the match: %q", short)
	}
	if _, found := search.Highlight(text, search.Parse("astronomie"), 40); found {
		t.Error("found a word that is not there")
	}
}

func TestTermNames(t *testing.T) {
	for _, tc := range []struct {
		name, query, text string
		want              bool
	}{
		{"accents", "egalite", "Égalité femmes-hommes", true},
		{"plural", "jeu", "Jeux de société", true},
		{"plural of a name", "discrimination", "Lutte contre les discriminations", true},
		{"case", "nord", "Nord", true},
		{"another word", "nord", "Pas-de-Calais", false},
		{"phrase in order", `"mission locale"`, "Mission locale de Roubaix", true},
		{"phrase out of order", `"locale mission"`, "Mission locale", false},
		{"feminine", "diplomee", "Les diplômés", true},
		{"stop word only", "les", "Les diplômés", false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			q := search.Parse(tc.query)
			got := len(q.Terms) == 1 && q.Terms[0].Names(tc.text)
			if got != tc.want {
				t.Errorf("%q names %q = %v, want %v", tc.query, tc.text, got, tc.want)
			}
			if got {
				keys := search.Keys(tc.text)
				found := false
				for _, k := range q.Terms[0].FirstKeys() {
					found = found || slices.Contains(keys, k)
				}
				if !found {
					t.Errorf("%q: none of %q in the keys %q of %q", tc.query, q.Terms[0].FirstKeys(), keys, tc.text)
				}
			}
		})
	}
}
