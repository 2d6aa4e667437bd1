package web

import (
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/view"
)

// Largest form bodies accepted: a practice (its body alone may hold 100,000
// characters of up to four bytes) and everything else.
const (
	maxPracticeForm = 2 << 20
	maxSmallForm    = 64 << 10
)

// formField ties a field named by the service's validation errors to the
// input of the page that holds it and to the locale key of its label.
type formField struct {
	domain, input, label string
}

// formFields lists every input of the pages' forms, in the order they appear,
// which is the order of the error summary.
var formFields = []formField{
	{"kind", "kind", "form.kind"},
	{"title", "title", "form.title"},
	{"summary", "summary", "form.summary"},
	{"body", "body", "form.body"},
	{"territory", "territory", "form.territory"},
	{"themes", "themes", "form.themes"},
	{"experience.context", "context", "practice.experience.context"},
	{"experience.actions", "actions", "practice.experience.actions"},
	{"experience.partners", "partners", "practice.experience.partners"},
	{"experience.results", "results", "practice.experience.results"},
	{"experience.lessons", "lessons", "practice.experience.lessons"},
	{"experience.started_on", "started_on", "practice.experience.started_on"},
	{"experience.ended_on", "ended_on", "practice.experience.ended_on"},
	{"tool.audience", "audience", "practice.tool.audience"},
	{"tool.format", "format", "practice.tool.format"},
	{"tool.duration", "duration", "practice.tool.duration"},
	{"tool.license", "license", "practice.tool.license"},
	{"tool.languages", "languages", "practice.tool.languages"},
	{"attachments", "attachment", "attachments.heading"},
	{"cover_alt", "cover_alt", "writing.cover.alt"},
	{"cover", "cover", "writing.cover.file"},
	{"message", "message", "conversation.message"},
	{"decision", "decision", "decision.legend"},
	{"comment", "comment", "decision.comment"},
	{"email", "email", "login.email"},
	{"password", "password", "login.password"},
}

// fieldReasons are the reasons of passerelle's field errors that have a
// message of their own ("form.error.<reason>", with the field's {label});
// any other reason reads as "invalid".
var fieldReasons = []string{
	passerelle.FieldRequired, passerelle.FieldUnknown, passerelle.FieldInvalid,
	passerelle.FieldTooLong, passerelle.FieldTooShort, passerelle.FieldFixed, passerelle.FieldTaken, passerelle.FieldCharacters,
	passerelle.FieldTooComplex,
}

// formErrors turns the field errors of err into messages tied to the
// inputs of the practice form, in its order (errorsFor with formFields).
func formErrors(tr *view.Translator, err error) []view.FormError {
	return errorsFor(tr, err, formFields)
}

// fieldMessage returns the message of one field error: the field's own
// message when the locale has one ("form.error.<input>.<reason>"), else the
// reason's message with the field's label.
func fieldMessage(tr *view.Translator, f formField, reason string) string {
	if key := "form.error." + f.input + "." + reason; tr.Has(key) {
		return tr.T(key)
	}
	if !slices.Contains(fieldReasons, reason) {
		reason = passerelle.FieldInvalid
	}
	return tr.T("form.error."+reason, "label", tr.T(f.label))
}

// fieldError returns the error of one input.
func fieldError(tr *view.Translator, domain, reason string) view.FormError {
	i := slices.IndexFunc(formFields, func(f formField) bool { return f.domain == domain })
	return view.FormError{Field: formFields[i].input, Message: fieldMessage(tr, formFields[i], reason)}
}

// practiceForm reads the practice form as typed, with the version it is
// based on and the button used ("save" or "submit").
func practiceForm(r *http.Request) (f view.PracticeForm, version int, action string) {
	v := r.PostForm
	get := func(name string) string { return strings.ReplaceAll(v.Get(name), "\r\n", "\n") }
	f = view.PracticeForm{
		Kind: get("kind"), Title: get("title"), Summary: get("summary"), Body: get("body"),
		Territory: get("territory"), Themes: v["themes"],
		Context: get("context"), Actions: get("actions"), Partners: get("partners"), Results: get("results"),
		Lessons: get("lessons"), StartedOn: get("started_on"), EndedOn: get("ended_on"),
		Audience: get("audience"), Format: get("format"), Duration: get("duration"), License: get("license"),
		// Checkboxes (one value each) or, from an older form, one text.
		Languages: strings.ReplaceAll(strings.Join(v["languages"], "\n"), "\r\n", "\n"),
	}
	version, _ = strconv.Atoi(v.Get("version"))
	return f, version, v.Get("action")
}

// practiceInput turns the form into the input of a creation or an edit:
// every field is sent, so that clearing an input clears the field, except an
// unchosen kind (the service's default, or the kind already saved). Only the
// fields of the chosen kind are sent (both when no kind is chosen): the
// others are hidden on the page.
func practiceInput(f view.PracticeForm, version int) service.PracticeInput {
	kind := passerelle.Kind(f.Kind)
	themes := f.Themes
	if themes == nil {
		themes = []string{}
	}
	in := service.PracticeInput{Title: &f.Title, Summary: &f.Summary, Body: &f.Body,
		Territory: &f.Territory, Themes: &themes, Version: version}
	if kind != "" {
		in.Kind = &kind
	}
	if kind != passerelle.KindTool {
		partners := splitList(f.Partners)
		in.Experience = &service.ExperienceInput{Context: &f.Context, Actions: &f.Actions, Results: &f.Results,
			Lessons: &f.Lessons, Partners: &partners, StartedOn: &f.StartedOn, EndedOn: &f.EndedOn}
	}
	if kind != passerelle.KindExperience {
		audience, languages := splitList(f.Audience), splitList(f.Languages)
		in.Tool = &service.ToolInput{Audience: &audience, Languages: &languages, Format: &f.Format,
			Duration: &f.Duration, License: &f.License}
	}
	return in
}

// splitList splits a list typed one item per line or separated by commas.
func splitList(s string) []string {
	items := strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == '\r' || r == ',' })
	out := make([]string, 0, len(items))
	for _, it := range items {
		if it = strings.TrimSpace(it); it != "" {
			out = append(out, it)
		}
	}
	return out
}

// formOf returns the form of a saved practice, as the edit page shows it.
func formOf(p *passerelle.Practice) view.PracticeForm {
	f := view.PracticeForm{Kind: string(p.Kind), Title: p.Title, Summary: p.Summary, Body: p.Body,
		Territory: p.TerritoryCode, Themes: p.Themes}
	if e := p.Experience; e != nil {
		f.Context, f.Actions, f.Results, f.Lessons = e.Context, e.Actions, e.Results, e.Lessons
		f.Partners = strings.Join(e.Partners, "\n")
		f.StartedOn, f.EndedOn = dayString(e.StartedOn), dayString(e.EndedOn)
	}
	if t := p.Tool; t != nil {
		f.Audience, f.Languages = strings.Join(t.Audience, "\n"), strings.Join(t.Languages, "\n")
		f.Format, f.Duration, f.License = t.Format, t.Duration, t.License
	}
	return f
}

func dayString(t *time.Time) string {
	if t == nil {
		return ""
	}
	return t.Format(time.DateOnly)
}
