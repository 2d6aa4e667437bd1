package service

import (
	"github.com/passerelle/passerelle/internal/passerelle"
)

// PracticeOf returns the practice in describes, as a new draft would hold it
// (normalised; an experience report when no kind is given), without saving
// anything: the form's checklist asks it what is missing
// (passerelle.Practice.Missing), by the same rule as Submit.
func PracticeOf(in PracticeInput) *passerelle.Practice {
	p := &passerelle.Practice{Kind: passerelle.KindExperience, Status: passerelle.StatusDraft}
	in.apply(p, passerelle.Validation{})
	p.Normalize()
	return p
}
