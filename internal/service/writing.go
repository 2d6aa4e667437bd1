package service

import (
	"context"
	"time"

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

// EditBurst is how close edits by the same person must follow each other to
// make one entry of the history: a draft saved automatically as it is typed
// tells "modified" once per sitting, not once per pause.
const EditBurst = 15 * time.Minute

// PreviewBody renders body as the sheet will show it once saved — the same
// renderer and budget as a saved practice (renderBody). It saves nothing.
// Errors: unauthenticated; validation_failed naming "body" (too long,
// characters refused, too complex to lay out).
func (s *Service) PreviewBody(ctx context.Context, actor Actor, body string) (string, error) {
	if actor == nil {
		return "", SignInNeeded()
	}
	p := &passerelle.Practice{Kind: passerelle.KindExperience, Title: "-", Body: body}
	p.Normalize()
	v := passerelle.Validation{}
	if err := p.ValidateDraft(); err != nil {
		if r, ok := err.(*passerelle.Error).Fields["body"]; ok {
			v.Add("body", r)
		}
	}
	checkRendering(p, v)
	if err := v.Err(); err != nil {
		return "", err
	}
	if err := renderBody(p); err != nil {
		return "", err
	}
	return p.BodyHTML, nil
}
