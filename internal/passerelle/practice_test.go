package passerelle_test

import (
	"maps"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
)

// checkFields fails unless err is nil and want is empty, or err is a
// validation_failed error naming exactly the fields of want with their
// reasons.
func checkFields(t *testing.T, err error, want map[string]string) {
	t.Helper()
	if len(want) == 0 {
		if err != nil {
			t.Fatalf("err = %v, want nil", err)
		}
		return
	}
	if code := passerelle.ErrorCode(err); code != passerelle.EValidation {
		t.Fatalf("err = %v, want %s", err, passerelle.EValidation)
	}
	got := err.(*passerelle.Error).Fields
	if !maps.Equal(got, want) {
		t.Fatalf("fields = %v, want %v", got, want)
	}
}

func day(s string) *time.Time {
	d, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return &d
}

func completeExperience() passerelle.Practice {
	return passerelle.Practice{
		Kind: passerelle.KindExperience, Title: "Forum emploi", Summary: "Un forum.", Body: "Le **forum**.",
		TerritoryCode: "qpv-moulins", Themes: []string{"emploi"},
		Experience: &passerelle.Experience{Context: "Chômage.", Actions: "Un forum.", Results: "42 embauches.",
			StartedOn: day("2024-01-15"), EndedOn: day("2024-06-30")},
	}
}

func completeTool() passerelle.Practice {
	return passerelle.Practice{
		Kind: passerelle.KindTool, Title: "Jeu de l'oie citoyen", Summary: "Un jeu.", Body: "Les règles.",
		TerritoryCode: "59350", Themes: []string{"education"},
		Tool: &passerelle.Tool{Audience: []string{"collégiens"}, Format: "game", License: "CC-BY-SA-4.0"},
	}
}

func TestValidateDraft(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name   string
		base   func() passerelle.Practice
		change func(p *passerelle.Practice)
		want   map[string]string
	}{
		{name: "title only experience", base: func() passerelle.Practice {
			return passerelle.Practice{Kind: passerelle.KindExperience, Title: "Brouillon"}
		}},
		{name: "title only tool", base: func() passerelle.Practice {
			return passerelle.Practice{Kind: passerelle.KindTool, Title: "Brouillon"}
		}},
		{name: "complete experience", base: completeExperience},
		{name: "complete tool", base: completeTool},
		{name: "missing title", base: completeExperience, change: func(p *passerelle.Practice) { p.Title = "" },
			want: map[string]string{"title": passerelle.FieldRequired}},
		{name: "unknown kind", base: completeExperience, change: func(p *passerelle.Practice) { p.Kind = "story" },
			want: map[string]string{"kind": passerelle.FieldUnknown}},
		{name: "missing kind and title", base: func() passerelle.Practice { return passerelle.Practice{} },
			want: map[string]string{"kind": passerelle.FieldUnknown, "title": passerelle.FieldRequired}},
		{name: "title of 200 accented characters", base: completeExperience,
			change: func(p *passerelle.Practice) { p.Title = strings.Repeat("é", 200) }},
		{name: "title of 201 characters", base: completeExperience,
			change: func(p *passerelle.Practice) { p.Title = strings.Repeat("a", 201) },
			want:   map[string]string{"title": passerelle.FieldTooLong}},
		{name: "summary too long", base: completeExperience,
			change: func(p *passerelle.Practice) { p.Summary = strings.Repeat("a", 1001) },
			want:   map[string]string{"summary": passerelle.FieldTooLong}},
		{name: "body too long", base: completeExperience,
			change: func(p *passerelle.Practice) { p.Body = strings.Repeat("a", 100_001) },
			want:   map[string]string{"body": passerelle.FieldTooLong}},
		{name: "too many themes", base: completeExperience,
			change: func(p *passerelle.Practice) { p.Themes = make([]string, 51) },
			want:   map[string]string{"themes": passerelle.FieldTooLong}},
		{name: "end before start", base: completeExperience,
			change: func(p *passerelle.Practice) { p.Experience.EndedOn = day("2023-12-31") },
			want:   map[string]string{"experience.ended_on": passerelle.FieldInvalid}},
		{name: "end on the start day", base: completeExperience,
			change: func(p *passerelle.Practice) { p.Experience.EndedOn = day("2024-01-15") }},
		{name: "end without start", base: completeExperience,
			change: func(p *passerelle.Practice) { p.Experience.StartedOn = nil }},
		{name: "context too long", base: completeExperience,
			change: func(p *passerelle.Practice) { p.Experience.Context = strings.Repeat("a", 20_001) },
			want:   map[string]string{"experience.context": passerelle.FieldTooLong}},
		{name: "too many partners", base: completeExperience,
			change: func(p *passerelle.Practice) { p.Experience.Partners = make([]string, 51) },
			want:   map[string]string{"experience.partners": passerelle.FieldTooLong}},
		{name: "partner name too long", base: completeExperience,
			change: func(p *passerelle.Practice) { p.Experience.Partners = []string{strings.Repeat("a", 201)} },
			want:   map[string]string{"experience.partners": passerelle.FieldTooLong}},
		{name: "unknown format", base: completeTool,
			change: func(p *passerelle.Practice) { p.Tool.Format = "podcast" },
			want:   map[string]string{"tool.format": passerelle.FieldUnknown}},
		{name: "unknown licence", base: completeTool,
			change: func(p *passerelle.Practice) { p.Tool.License = "GPL-3.0" },
			want:   map[string]string{"tool.license": passerelle.FieldUnknown}},
		{name: "licence in the wrong case", base: completeTool,
			change: func(p *passerelle.Practice) { p.Tool.License = "cc-by-4.0" },
			want:   map[string]string{"tool.license": passerelle.FieldUnknown}},
		{name: "unknown format and licence", base: completeTool,
			change: func(p *passerelle.Practice) { p.Tool.Format, p.Tool.License = "x", "y" },
			want:   map[string]string{"tool.format": passerelle.FieldUnknown, "tool.license": passerelle.FieldUnknown}},
		{name: "empty format and licence are fine in a draft", base: completeTool,
			change: func(p *passerelle.Practice) { p.Tool.Format, p.Tool.License = "", "" }},
		{name: "too many audiences", base: completeTool,
			change: func(p *passerelle.Practice) { p.Tool.Audience = make([]string, 51) },
			want:   map[string]string{"tool.audience": passerelle.FieldTooLong}},
		{name: "duration too long", base: completeTool,
			change: func(p *passerelle.Practice) { p.Tool.Duration = strings.Repeat("a", 201) },
			want:   map[string]string{"tool.duration": passerelle.FieldTooLong}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := tt.base()
			if tt.change != nil {
				tt.change(&p)
			}
			checkFields(t, p.ValidateDraft(), tt.want)
		})
	}
	for _, f := range passerelle.Formats {
		p := completeTool()
		p.Tool.Format = f
		if err := p.ValidateDraft(); err != nil {
			t.Errorf("format %q: %v", f, err)
		}
	}
	for _, l := range passerelle.Licenses {
		p := completeTool()
		p.Tool.License = l
		if err := p.ValidateDraft(); err != nil {
			t.Errorf("licence %q: %v", l, err)
		}
	}
}

func TestValidateComplete(t *testing.T) {
	t.Parallel()
	req := passerelle.FieldRequired
	tests := []struct {
		name string
		p    func() passerelle.Practice
		want map[string]string
	}{
		{name: "complete experience", p: completeExperience},
		{name: "complete tool", p: completeTool},
		{name: "title-only experience names every missing field",
			p: func() passerelle.Practice { return passerelle.Practice{Kind: passerelle.KindExperience, Title: "T"} },
			want: map[string]string{"summary": req, "body": req, "territory": req, "themes": req,
				"experience.context": req, "experience.actions": req, "experience.results": req}},
		{name: "title-only tool names every missing field",
			p: func() passerelle.Practice { return passerelle.Practice{Kind: passerelle.KindTool, Title: "T"} },
			want: map[string]string{"summary": req, "body": req, "territory": req, "themes": req,
				"tool.audience": req, "tool.format": req, "tool.license": req}},
		{name: "experience with empty experience fields",
			p: func() passerelle.Practice {
				p := completeExperience()
				p.Experience = &passerelle.Experience{Lessons: "Des leçons."}
				return p
			},
			want: map[string]string{"experience.context": req, "experience.actions": req, "experience.results": req}},
		{name: "tool with empty tool fields",
			p: func() passerelle.Practice {
				p := completeTool()
				p.Tool = &passerelle.Tool{Duration: "2 h"}
				return p
			},
			want: map[string]string{"tool.audience": req, "tool.format": req, "tool.license": req}},
		{name: "an experience needs no tool fields",
			p: func() passerelle.Practice { p := completeExperience(); p.Tool = &passerelle.Tool{}; return p }},
		{name: "a tool needs no experience fields",
			p: func() passerelle.Practice { p := completeTool(); p.Experience = &passerelle.Experience{}; return p }},
		{name: "draft rules still apply",
			p:    func() passerelle.Practice { p := completeTool(); p.Tool.License = "WTFPL"; return p },
			want: map[string]string{"tool.license": passerelle.FieldUnknown}},
		{name: "end before start",
			p: func() passerelle.Practice {
				p := completeExperience()
				p.Experience.StartedOn, p.Experience.EndedOn = day("2024-06-30"), day("2024-01-15")
				return p
			},
			want: map[string]string{"experience.ended_on": passerelle.FieldInvalid}},
		{name: "unknown kind: no kind-specific field",
			p:    func() passerelle.Practice { p := completeExperience(); p.Kind = ""; return p },
			want: map[string]string{"kind": passerelle.FieldUnknown}},
		{name: "missing title and theme",
			p: func() passerelle.Practice {
				p := completeExperience()
				p.Title, p.Themes = "", nil
				return p
			},
			want: map[string]string{"title": req, "themes": req}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			p := tt.p()
			checkFields(t, p.ValidateComplete(), tt.want)
		})
	}
}

func TestNormalize(t *testing.T) {
	t.Parallel()
	p := passerelle.Practice{
		Title: "  Titre \n", Summary: "\t", Body: " corps ", Themes: []string{" emploi", "", "emploi", "education "},
		Experience: &passerelle.Experience{Context: " c ", Actions: " ", Partners: []string{"A", " A ", "", "B"}},
		Tool:       &passerelle.Tool{Format: " game ", License: " CC0-1.0", Audience: []string{" ", "élèves"}, Languages: []string{"fr", "fr"}},
	}
	p.Normalize()
	if p.Title != "Titre" || p.Summary != "" || p.Body != "corps" {
		t.Errorf("text fields = %q %q %q", p.Title, p.Summary, p.Body)
	}
	if !slices.Equal(p.Themes, []string{"emploi", "education"}) {
		t.Errorf("themes = %q", p.Themes)
	}
	if p.Experience.Context != "c" || p.Experience.Actions != "" || !slices.Equal(p.Experience.Partners, []string{"A", "B"}) {
		t.Errorf("experience = %+v", p.Experience)
	}
	if p.Tool.Format != "game" || p.Tool.License != "CC0-1.0" || !slices.Equal(p.Tool.Audience, []string{"élèves"}) ||
		!slices.Equal(p.Tool.Languages, []string{"fr"}) {
		t.Errorf("tool = %+v", p.Tool)
	}
	// Blank input counts as missing once normalised.
	p = passerelle.Practice{Kind: passerelle.KindExperience, Title: "   "}
	p.Normalize()
	checkFields(t, p.ValidateDraft(), map[string]string{"title": passerelle.FieldRequired})
}

func TestPracticeStates(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status              passerelle.Status
		editable, published bool
	}{
		{status: passerelle.StatusDraft, editable: true},
		{status: passerelle.StatusSubmitted},
		{status: passerelle.StatusChangesRequested, editable: true},
		{status: passerelle.StatusPublished, published: true},
		{status: passerelle.StatusRejected},
		{status: passerelle.StatusWithdrawn},
		{status: passerelle.StatusArchived},
	}
	for _, tt := range tests {
		t.Run(string(tt.status), func(t *testing.T) {
			t.Parallel()
			p := passerelle.Practice{Status: tt.status}
			if p.Editable() != tt.editable || p.Published() != tt.published {
				t.Errorf("Editable() = %v, Published() = %v; want %v, %v", p.Editable(), p.Published(), tt.editable, tt.published)
			}
		})
	}
	if !passerelle.KindExperience.Valid() || !passerelle.KindTool.Valid() || passerelle.Kind("").Valid() || passerelle.Kind("Tool").Valid() {
		t.Error("Kind.Valid accepts only experience and tool")
	}
}

// TestRequirements: an empty practice misses exactly its kind's required
// fields, and ValidateComplete names exactly those.
func TestRequirements(t *testing.T) {
	for _, k := range []passerelle.Kind{passerelle.KindExperience, passerelle.KindTool} {
		p := &passerelle.Practice{Kind: k, Title: "T"}
		want := passerelle.RequiredFields(k)[1:] // the title is given
		if got := p.Missing(); !slices.Equal(got, want) {
			t.Errorf("%s: Missing = %v, want %v", k, got, want)
		}
		fields := map[string]string{}
		for _, f := range want {
			fields[f] = passerelle.FieldRequired
		}
		checkFields(t, p.ValidateComplete(), fields)
		if !passerelle.IsRequired("themes") || passerelle.IsRequired("tool.duration") {
			t.Error("IsRequired")
		}
	}
}
