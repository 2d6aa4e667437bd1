package web

import (
	"slices"
	"strings"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/view"
)

// writingAids computes the help beside the practice form f: the required
// inputs, the checklist and what the submit button says, all from
// passerelle.Requirements through Practice.Missing — the rule Submit
// applies, so that the form never promises what the service refuses.
func writingAids(tr *view.Translator, f view.PracticeForm) view.WritingAids {
	aids := view.WritingAids{Required: map[string]bool{}}
	in := practiceInput(f, 0)
	missing := map[passerelle.Kind][]string{}
	for _, k := range []passerelle.Kind{passerelle.KindExperience, passerelle.KindTool} {
		kind := k
		in.Kind = &kind
		missing[k] = service.PracticeOf(in).Missing()
	}
	chosen := passerelle.Kind(f.Kind)
	if !chosen.Valid() {
		chosen = passerelle.KindExperience // the service's default for a new draft
	}
	var names []string
	for _, r := range passerelle.Requirements {
		i := slices.IndexFunc(formFields, func(ff formField) bool { return ff.domain == r.Field })
		if i < 0 {
			continue // every required field has its input (TestWritingAidsCoverRequirements)
		}
		ff := formFields[i]
		aids.Required[ff.input] = true
		k := r.Kind
		if k == "" {
			k = chosen
		}
		item := view.ChecklistItem{Input: ff.input, Label: tr.T(ff.label), Kind: string(r.Kind),
			Done:   !slices.Contains(missing[k], r.Field),
			Hidden: f.Kind != "" && r.Kind != "" && r.Kind != passerelle.Kind(f.Kind)}
		if !item.Done && (r.Kind == "" || r.Kind == chosen) {
			names = append(names, item.Label)
		}
		aids.Checklist = append(aids.Checklist, item)
	}
	aids.Complete = len(names) == 0
	aids.Missing = strings.Join(names, ", ")
	return aids
}
