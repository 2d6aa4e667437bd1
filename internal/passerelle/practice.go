package passerelle

import (
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Kind tells an experience report from a teaching tool.
type Kind string

// The kinds of practice.
const (
	KindExperience Kind = "experience" // retour d'expérience
	KindTool       Kind = "tool"       // outil pédagogique
)

// Valid reports whether k is a known kind.
func (k Kind) Valid() bool { return k == KindExperience || k == KindTool }

// Formats lists the formats of a teaching tool.
var Formats = []string{"kit", "game", "guide", "video", "training", "other"}

// Licenses lists the licences a teaching tool may be published under, as SPDX
// identifiers (Etalab-2.0 is the French open licence).
var Licenses = []string{
	"CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-4.0", "CC-BY-NC-SA-4.0", "CC-BY-ND-4.0",
	"CC-BY-NC-ND-4.0", "CC0-1.0", "Etalab-2.0", "LicenseRef-All-Rights-Reserved",
}

// Experience holds the fields of an experience report.
type Experience struct {
	Context   string     `json:"context"`
	Actions   string     `json:"actions"`
	Partners  []string   `json:"partners"`
	Results   string     `json:"results"`
	Lessons   string     `json:"lessons"`
	StartedOn *time.Time `json:"started_on"`
	EndedOn   *time.Time `json:"ended_on"`
}

// Tool holds the fields of a teaching tool.
type Tool struct {
	Audience  []string `json:"audience"`
	Format    string   `json:"format"`
	Duration  string   `json:"duration"`
	License   string   `json:"license"`
	Languages []string `json:"languages"`
}

// Practice is an experience report or a teaching tool, written by a
// contributor for a territory and published after review.
type Practice struct {
	ID      int64
	Kind    Kind
	Title   string
	Summary string
	Body    string // Markdown
	// BodyHTML is Body rendered, sanitised, when it was saved, by the
	// renderer's version BodyRenderer; pages show it as it is when that is
	// the current version. Neither is part of a revision.
	BodyHTML      string `json:"-"`
	BodyRenderer  int    `json:"-"`
	TerritoryCode string
	Themes        []string // theme slugs
	AuthorID      int64
	AuthorName    string
	Status        Status
	Revision      int // number of times it was submitted
	Version       int // bumped by every change; edits must name the version they are based on
	Experience    *Experience
	Tool          *Tool
	CreatedAt     time.Time
	UpdatedAt     time.Time
	SubmittedAt   *time.Time
	PublishedAt   *time.Time
	// PublicChangedAt is when what the public sees of the practice last
	// changed — its content, status, its themes', territories' or author's
	// names (the database keeps it). Nil for a practice never published;
	// once set it stays, and the practice stays known to harvesters as a
	// deleted record when it leaves publication. It is not part of a
	// revision.
	PublicChangedAt *time.Time `json:"-"`
	// Attachments are the files attached, when loaded (nil otherwise); they
	// are not part of a frozen revision.
	Attachments []Attachment `json:"-"`
	// Cover is the optional cover image (nil: none); not part of a revision.
	Cover *Cover `json:"-"`
	// ReviewedAt is when the published practice was last confirmed
	// current, nil before its first confirmation; ReviewAskedAt, when its
	// author was last asked to (freshness.go). Kept by the database, not
	// part of a revision.
	ReviewedAt    *time.Time `json:"-"`
	ReviewAskedAt *time.Time `json:"-"`
	// UpdateOf is, for a working revision, the published practice it
	// updates (update.go); 0 for a sheet. RevisedAt is when an approved
	// update last replaced the content of a published practice ("mise à
	// jour le"), nil if none did. Neither is part of a revision.
	UpdateOf  int64      `json:"-"`
	RevisedAt *time.Time `json:"-"`
}

// Field length limits, in characters.
const (
	maxTitle   = 200
	maxSummary = 1000
	maxBody    = 100_000
	maxField   = 20_000
	maxItems   = 50
)

// FieldTooComplex is the reason of a Markdown text whose rendering would
// cost more than the renderer's budget (nesting too deep, too many
// unclosed brackets, a table too large): it is refused when saved.
const FieldTooComplex = "too_complex"

// Normalize trims the text fields and drops empty list items, so that blank
// input is treated as missing.
func (p *Practice) Normalize() {
	p.Title = strings.TrimSpace(p.Title)
	p.Summary = strings.TrimSpace(p.Summary)
	p.Body = strings.TrimSpace(p.Body)
	p.Themes = compact(p.Themes)
	if e := p.Experience; e != nil {
		e.Context, e.Actions = strings.TrimSpace(e.Context), strings.TrimSpace(e.Actions)
		e.Results, e.Lessons = strings.TrimSpace(e.Results), strings.TrimSpace(e.Lessons)
		e.Partners = compact(e.Partners)
	}
	if t := p.Tool; t != nil {
		t.Format, t.Duration, t.License = strings.TrimSpace(t.Format), strings.TrimSpace(t.Duration), strings.TrimSpace(t.License)
		t.Audience, t.Languages = compact(t.Audience), compact(canonicalLanguages(t.Languages))
	}
}

// canonicalLanguages writes each language that names one of Languages as its
// tag ("Français", "fr-FR" → "fr"), and leaves the others as they are, for
// validation to name.
func canonicalLanguages(items []string) []string {
	out := make([]string, len(items))
	for i, s := range items {
		if tag, ok := LanguageByName(s); ok {
			s = tag
		}
		out[i] = s
	}
	return out
}

func compact(items []string) []string {
	out := make([]string, 0, len(items))
	for _, s := range items {
		if s = strings.TrimSpace(s); s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// ValidateDraft checks what every saved practice must satisfy, complete or
// not: a kind, a title, field lengths and values from the allowed lists.
// Whether the territory and themes exist is checked by the service.
func (p *Practice) ValidateDraft() error {
	v := Validation{}
	if !p.Kind.Valid() {
		v.Add("kind", FieldUnknown)
	}
	if p.Title == "" {
		v.Add("title", FieldRequired)
	}
	tooLong(v, "title", p.Title, maxTitle)
	tooLong(v, "summary", p.Summary, maxSummary)
	tooLong(v, "body", p.Body, maxBody)
	v.Line("title", p.Title)
	v.Text("summary", p.Summary)
	v.Text("body", p.Body)
	v.Line("territory", p.TerritoryCode)
	v.Line("themes", p.Themes...)
	if len(p.Themes) > maxItems {
		v.Add("themes", FieldTooLong)
	}
	if e := p.Experience; e != nil {
		tooLong(v, "experience.context", e.Context, maxField)
		tooLong(v, "experience.actions", e.Actions, maxField)
		tooLong(v, "experience.results", e.Results, maxField)
		tooLong(v, "experience.lessons", e.Lessons, maxField)
		listTooLong(v, "experience.partners", e.Partners)
		v.Text("experience.context", e.Context)
		v.Text("experience.actions", e.Actions)
		v.Text("experience.results", e.Results)
		v.Text("experience.lessons", e.Lessons)
		v.Line("experience.partners", e.Partners...)
		if e.StartedOn != nil && e.EndedOn != nil && e.EndedOn.Before(*e.StartedOn) {
			v.Add("experience.ended_on", FieldInvalid)
		}
	}
	if t := p.Tool; t != nil {
		if t.Format != "" && !slices.Contains(Formats, t.Format) {
			v.Add("tool.format", FieldUnknown)
		}
		if t.License != "" && !slices.Contains(Licenses, t.License) {
			v.Add("tool.license", FieldUnknown)
		}
		tooLong(v, "tool.duration", t.Duration, maxTitle)
		listTooLong(v, "tool.audience", t.Audience)
		listTooLong(v, "tool.languages", t.Languages)
		for _, l := range t.Languages {
			if !knownLanguage(l) {
				v.Add("tool.languages", FieldUnknown)
			}
		}
		v.Line("tool.format", t.Format)
		v.Line("tool.duration", t.Duration)
		v.Line("tool.license", t.License)
		v.Line("tool.audience", t.Audience...)
		v.Line("tool.languages", t.Languages...)
	}
	return v.Err()
}

// Requirement is one field a practice needs before it can be submitted:
// for every kind (Kind empty) or only for one.
type Requirement struct {
	Field string // as in SheetFields
	Kind  Kind   // empty: every kind
}

// Requirements is the one definition of a complete practice: what
// ValidateComplete checks, what the form marks "required" and what its
// checklist lists, in the order of the form. A list field (themes,
// audience) needs at least one item.
var Requirements = []Requirement{
	{"title", ""}, {"summary", ""}, {"body", ""}, {"territory", ""}, {"themes", ""},
	{"experience.context", KindExperience}, {"experience.actions", KindExperience}, {"experience.results", KindExperience},
	{"tool.audience", KindTool}, {"tool.format", KindTool}, {"tool.license", KindTool},
}

// RequiredFields returns the fields a practice of kind k needs before it
// can be submitted, in the order of Requirements.
func RequiredFields(k Kind) []string {
	var out []string
	for _, r := range Requirements {
		if r.Kind == "" || r.Kind == k {
			out = append(out, r.Field)
		}
	}
	return out
}

// IsRequired reports whether field is required to submit a practice of some
// kind.
func IsRequired(field string) bool {
	return slices.ContainsFunc(Requirements, func(r Requirement) bool { return r.Field == field })
}

// Missing returns the required fields of p (RequiredFields of its kind)
// that are empty, in order; nil when p is complete enough to submit.
func (p *Practice) Missing() []string {
	texts := sheetTexts(p)
	var out []string
	for _, f := range RequiredFields(p.Kind) {
		if strings.TrimSpace(texts[f]) == "" {
			out = append(out, f)
		}
	}
	return out
}

// ValidateComplete checks what a practice needs before it can be submitted,
// naming every missing field (Missing, from Requirements) along with what
// ValidateDraft refuses.
func (p *Practice) ValidateComplete() error {
	v := Validation{}
	if err := p.ValidateDraft(); err != nil {
		for f, r := range err.(*Error).Fields {
			v.Add(f, r)
		}
	}
	for _, f := range p.Missing() {
		v.Add(f, FieldRequired)
	}
	return v.Err()
}

func tooLong(v Validation, field, s string, limit int) {
	if utf8.RuneCountInString(s) > limit {
		v.Add(field, FieldTooLong)
	}
}

func listTooLong(v Validation, field string, items []string) {
	if len(items) > maxItems {
		v.Add(field, FieldTooLong)
		return
	}
	for _, s := range items {
		if utf8.RuneCountInString(s) > maxTitle {
			v.Add(field, FieldTooLong)
		}
	}
}

// Editable reports whether the author may still change the practice.
func (p *Practice) Editable() bool {
	return p.Status == StatusDraft || p.Status == StatusChangesRequested
}

// Published reports whether everyone may read the practice.
func (p *Practice) Published() bool { return p.Status == StatusPublished }

// RecordState is what harvesters (OAI-PMH) know of a practice.
type RecordState int

// The states of a practice's record.
const (
	// RecordNone: never published, unknown to harvesters.
	RecordNone RecordState = iota
	// RecordLive: published; its record carries its metadata.
	RecordLive
	// RecordDeleted: published once and no longer (archived, withdrawn);
	// harvesters keep being told so, for good.
	RecordDeleted
)

// RecordState returns what harvesters know of the practice.
func (p *Practice) RecordState() RecordState {
	switch {
	case p.Published():
		return RecordLive
	case p.PublicChangedAt != nil:
		return RecordDeleted
	default:
		return RecordNone
	}
}
