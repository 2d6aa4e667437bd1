package service_test

import (
	"context"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/testenv"
)

// TestCreateValidation checks that a creation names exactly the faulty fields
// and saves nothing.
func TestCreateValidation(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		svc := b.Service
		experience, tool, story := passerelle.KindExperience, passerelle.KindTool, passerelle.Kind("story")

		tests := []struct {
			name  string
			actor *passerelle.User
			in    service.PracticeInput
			want  map[string]string // nil: created
			code  string            // when not a validation error
		}{
			{name: "title only", actor: w.MoulinsAuthor, in: service.PracticeInput{Kind: &experience, Title: ptr("Brouillon")}},
			{name: "title only tool", actor: w.MoulinsAuthor, in: service.PracticeInput{Kind: &tool, Title: ptr("Outil")}},
			{name: "complete", actor: w.MoulinsAuthor, in: testenv.CompleteExperience("qpv-moulins", "Complète")},
			{name: "empty title", actor: w.MoulinsAuthor, in: service.PracticeInput{Kind: &experience, Title: ptr("")},
				want: map[string]string{"title": passerelle.FieldRequired}},
			{name: "blank title", actor: w.MoulinsAuthor, in: service.PracticeInput{Kind: &experience, Title: ptr(" \t ")},
				want: map[string]string{"title": passerelle.FieldRequired}},
			{name: "no title at all", actor: w.MoulinsAuthor, in: service.PracticeInput{Kind: &experience},
				want: map[string]string{"title": passerelle.FieldRequired}},
			{name: "unknown kind", actor: w.MoulinsAuthor, in: service.PracticeInput{Kind: &story, Title: ptr("T")},
				want: map[string]string{"kind": passerelle.FieldUnknown}},
			{name: "no kind: an experience report", actor: w.MoulinsAuthor, in: service.PracticeInput{Title: ptr("T")}},
			{name: "unknown territory", actor: w.MoulinsAuthor,
				in:   service.PracticeInput{Kind: &experience, Title: ptr("T"), Territory: ptr("75056")},
				want: map[string]string{"territory": passerelle.FieldUnknown}},
			{name: "unknown theme among known ones", actor: w.MoulinsAuthor,
				in:   service.PracticeInput{Kind: &experience, Title: ptr("T"), Themes: &[]string{"emploi", "sport"}},
				want: map[string]string{"themes": passerelle.FieldUnknown}},
			{name: "unknown territory, themes and kind, empty title", actor: w.MoulinsAuthor,
				in: service.PracticeInput{Kind: &story, Title: ptr(""), Territory: ptr("nowhere"), Themes: &[]string{"sport", "culture"}},
				want: map[string]string{"kind": passerelle.FieldUnknown, "title": passerelle.FieldRequired,
					"territory": passerelle.FieldUnknown, "themes": passerelle.FieldUnknown}},
			{name: "malformed dates", actor: w.MoulinsAuthor,
				in: service.PracticeInput{Kind: &experience, Title: ptr("T"),
					Experience: &service.ExperienceInput{StartedOn: ptr("15/01/2024"), EndedOn: ptr("2024-02-30")}},
				want: map[string]string{"experience.started_on": passerelle.FieldInvalid, "experience.ended_on": passerelle.FieldInvalid}},
			{name: "end before start", actor: w.MoulinsAuthor,
				in: service.PracticeInput{Kind: &experience, Title: ptr("T"),
					Experience: &service.ExperienceInput{StartedOn: ptr("2024-06-30"), EndedOn: ptr("2024-01-15")}},
				want: map[string]string{"experience.ended_on": passerelle.FieldInvalid}},
			{name: "unknown format and licence", actor: w.MoulinsAuthor,
				in: service.PracticeInput{Kind: &tool, Title: ptr("T"),
					Tool: &service.ToolInput{Format: ptr("podcast"), License: ptr("GPL-3.0")}},
				want: map[string]string{"tool.format": passerelle.FieldUnknown, "tool.license": passerelle.FieldUnknown}},
			{name: "title too long", actor: w.MoulinsAuthor,
				in:   service.PracticeInput{Kind: &experience, Title: ptr(strings.Repeat("a", 201))},
				want: map[string]string{"title": passerelle.FieldTooLong}},
			{name: "territory outside the contributor's", actor: w.MoulinsAuthor,
				in: testenv.CompleteExperience("59512", "Ailleurs"), code: passerelle.EForbidden},
			{name: "reader", actor: w.Reader, in: service.PracticeInput{Kind: &experience, Title: ptr("T")}, code: passerelle.EForbidden},
			{name: "anonymous", actor: nil, in: service.PracticeInput{Kind: &experience, Title: ptr("T")}, code: passerelle.EUnauthn},
		}
		t.Run("cases", func(t *testing.T) {
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					t.Parallel()
					p, err := svc.CreatePractice(ctx, tt.actor, tt.in)
					switch {
					case tt.code != "":
						requireCode(t, err, tt.code)
					case tt.want != nil:
						requireFields(t, err, tt.want)
					default:
						requireCode(t, err, "")
						wantKind := passerelle.KindExperience
						if tt.in.Kind != nil {
							wantKind = *tt.in.Kind
						}
						if p.Status != passerelle.StatusDraft || p.Kind != wantKind || p.Version != 1 || p.Revision != 0 || p.AuthorID != tt.actor.ID {
							t.Errorf("created %+v", p)
						}
						return
					}
					if p != nil {
						t.Error("a refused creation returned a practice")
					}
				})
			}
		})
		// Only the four valid creations were saved, each with its history.
		for table, want := range map[string]int64{"practices": 4, "practice_events": 4, "river_job": 0} {
			n, err := b.DB.Bun.NewSelect().Table(table).Count(ctx)
			if err != nil || n != want {
				t.Errorf("%d rows in %s (err %v), want %d", n, table, err, want)
			}
		}
	})
}

// TestSubmitIncomplete checks that submitting what is not complete names
// every missing field and leaves the draft as it was.
func TestSubmitIncomplete(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		svc := b.Service
		experience, tool := passerelle.KindExperience, passerelle.KindTool
		req := passerelle.FieldRequired

		tests := []struct {
			name string
			in   service.PracticeInput
			want map[string]string
		}{
			{name: "title-only tool", in: service.PracticeInput{Kind: &tool, Title: ptr("Jeu de l'oie")},
				want: map[string]string{"summary": req, "body": req, "territory": req, "themes": req,
					"tool.audience": req, "tool.format": req, "tool.license": req}},
			{name: "title-only experience", in: service.PracticeInput{Kind: &experience, Title: ptr("Forum")},
				want: map[string]string{"summary": req, "body": req, "territory": req, "themes": req,
					"experience.context": req, "experience.actions": req, "experience.results": req}},
			{name: "tool missing its licence only", in: service.PracticeInput{Kind: &tool, Title: ptr("Kit"),
				Summary: ptr("Un kit."), Body: ptr("Le kit."), Territory: ptr("qpv-moulins"), Themes: &[]string{"education"},
				Tool: &service.ToolInput{Audience: &[]string{"parents"}, Format: ptr("kit"), License: ptr("  ")}},
				want: map[string]string{"tool.license": req}},
			{name: "experience with blank results", in: func() service.PracticeInput {
				in := testenv.CompleteExperience("qpv-moulins", "Presque")
				in.Experience.Results = ptr(" ")
				return in
			}(), want: map[string]string{"experience.results": req}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				p, err := svc.CreatePractice(ctx, w.MoulinsAuthor, tt.in)
				requireCode(t, err, "")
				before := storedState(t, b, p.ID)
				got, err := svc.Submit(ctx, w.MoulinsAuthor, p.ID)
				requireFields(t, err, tt.want)
				if got != nil {
					t.Error("a refused submission returned a practice")
				}
				if after := storedState(t, b, p.ID); after != before || after.Status != passerelle.StatusDraft {
					t.Errorf("the draft changed: %+v → %+v", before, after)
				}
				jobs, err := b.DB.Bun.NewSelect().Table("river_job").Count(ctx)
				if err != nil || jobs != 0 {
					t.Errorf("%d jobs queued (err %v), want none", jobs, err)
				}
			})
		}
	})
}

// TestDecideValidation checks the decision and its reason.
func TestDecideValidation(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		svc := b.Service
		p := drive(t, svc, w.MoulinsAuthor, w.NordMod, "qpv-moulins", "À décider", passerelle.StatusSubmitted)
		before := storedState(t, b, p.ID)

		tests := []struct {
			name              string
			decision, comment string
			want              map[string]string
		}{
			{name: "unknown decision", decision: "maybe", comment: "Hmm.", want: map[string]string{"decision": passerelle.FieldUnknown}},
			{name: "decision in capitals", decision: "APPROVE", want: map[string]string{"decision": passerelle.FieldUnknown}},
			{name: "missing decision", decision: "", comment: "Hmm.", want: map[string]string{"decision": passerelle.FieldRequired}},
			{name: "request changes without a reason", decision: "request_changes", want: map[string]string{"comment": passerelle.FieldRequired}},
			{name: "reject without a reason", decision: "reject", want: map[string]string{"comment": passerelle.FieldRequired}},
			{name: "reject with a blank reason", decision: "reject", comment: " \n\t", want: map[string]string{"comment": passerelle.FieldRequired}},
			{name: "reason too long", decision: "reject", comment: strings.Repeat("a", 10_001), want: map[string]string{"comment": passerelle.FieldTooLong}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				got, err := svc.Decide(ctx, w.NordMod, p.ID, tt.decision, tt.comment)
				requireFields(t, err, tt.want)
				if got != nil {
					t.Error("a refused decision returned a practice")
				}
				if after := storedState(t, b, p.ID); after != before {
					t.Errorf("the submission changed: %+v → %+v", before, after)
				}
			})
		}
		// Approving needs no reason; the reason given is trimmed and kept.
		got, err := svc.Decide(ctx, w.NordMod, p.ID, "approve", "  Bravo.  ")
		requireCode(t, err, "")
		if got.Status != passerelle.StatusPublished {
			t.Errorf("status = %s", got.Status)
		}
		if ev := lastEvent(t, b, p.ID); ev.Comment != "Bravo." {
			t.Errorf("comment = %q", ev.Comment)
		}
	})
}

// TestEditValidation checks that a bad edit names its fields and changes
// nothing, and that an edit may clear optional fields.
func TestEditValidation(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		svc := b.Service
		p := drive(t, svc, w.MoulinsAuthor, w.NordMod, "qpv-moulins", "À modifier", passerelle.StatusDraft)
		before := storedState(t, b, p.ID)

		tests := []struct {
			name string
			in   service.PracticeInput
			want map[string]string
			code string
		}{
			{name: "blank title", in: service.PracticeInput{Title: ptr("  ")}, want: map[string]string{"title": passerelle.FieldRequired}},
			{name: "unknown territory", in: service.PracticeInput{Territory: ptr("75056")}, want: map[string]string{"territory": passerelle.FieldUnknown}},
			{name: "unknown theme", in: service.PracticeInput{Themes: &[]string{"sport"}}, want: map[string]string{"themes": passerelle.FieldUnknown}},
			{name: "end before start", in: service.PracticeInput{Experience: &service.ExperienceInput{EndedOn: ptr("2023-01-01")}},
				want: map[string]string{"experience.ended_on": passerelle.FieldInvalid}},
			{name: "move out of the author's territories", in: service.PracticeInput{Territory: ptr("62193")}, code: passerelle.EForbidden},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				tt.in.Version = before.Version
				_, err := svc.UpdatePractice(ctx, w.MoulinsAuthor, p.ID, tt.in)
				if tt.code != "" {
					requireCode(t, err, tt.code)
				} else {
					requireFields(t, err, tt.want)
				}
				if after := storedState(t, b, p.ID); after != before {
					t.Errorf("the draft changed: %+v → %+v", before, after)
				}
			})
		}
		// Clearing a date and the themes is an edit like any other; the
		// draft then lacks its themes for submission.
		got, err := svc.UpdatePractice(ctx, w.MoulinsAuthor, p.ID, service.PracticeInput{Version: before.Version,
			Themes: &[]string{}, Experience: &service.ExperienceInput{EndedOn: ptr("")}})
		requireCode(t, err, "")
		if len(got.Themes) != 0 || got.Experience.EndedOn != nil || got.Experience.StartedOn == nil {
			t.Errorf("after clearing: themes %v, dates %v %v", got.Themes, got.Experience.StartedOn, got.Experience.EndedOn)
		}
		_, err = svc.Submit(ctx, w.MoulinsAuthor, p.ID)
		requireFields(t, err, map[string]string{"themes": passerelle.FieldRequired})
	})
}
