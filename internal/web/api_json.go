package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/passerelle/passerelle/internal/jobs"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
)

// maxJSONBody bounds API request bodies.
const maxJSONBody = 1 << 20

// decodeJSON reads a JSON object into dst. Malformed JSON or a wrong type is
// invalid_request; a field the API does not know, or a string with a control
// character (input.go), is validation_failed naming it; an oversized body is
// too_large.
func decodeJSON(w http.ResponseWriter, r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return passerelle.Errorf(passerelle.EUnsupported, "Send JSON (Content-Type: application/json).")
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxJSONBody))
	if err != nil {
		var tooBig *http.MaxBytesError
		if errors.As(err, &tooBig) {
			return passerelle.Errorf(passerelle.ETooLarge, "The request body is too large.")
		}
		return passerelle.Errorf(passerelle.EInvalid, "Could not read the request body.")
	}
	if err := jsonProblem(body); err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		if field, ok := strings.CutPrefix(err.Error(), "json: unknown field "); ok {
			field = strings.Trim(field, `"`)
			return &passerelle.Error{Code: passerelle.EValidation, Message: "Unknown field.", Fields: map[string]string{field: passerelle.FieldUnknown}}
		}
		var typeErr *json.UnmarshalTypeError
		if errors.As(err, &typeErr) && typeErr.Field != "" {
			return &passerelle.Error{Code: passerelle.EInvalid, Message: "Wrong type for field " + typeErr.Field + ".",
				Fields: map[string]string{typeErr.Field: passerelle.FieldInvalid}}
		}
		return passerelle.Errorf(passerelle.EInvalid, "Malformed JSON.")
	}
	if dec.More() {
		return passerelle.Errorf(passerelle.EInvalid, "Malformed JSON: more than one value.")
	}
	return nil
}

// practiceJSON is the contract's shape of a practice.
type practiceJSON struct {
	ID          string     `json:"id"`
	URL         string     `json:"url"`
	Kind        string     `json:"kind"`
	Title       string     `json:"title"`
	Summary     string     `json:"summary"`
	Body        string     `json:"body"`
	Territory   string     `json:"territory"`
	Themes      []string   `json:"themes"`
	Status      string     `json:"status"`
	Author      personJSON `json:"author"`
	Revision    int        `json:"revision"`
	Version     int        `json:"version"`
	CreatedAt   time.Time  `json:"created_at"`
	UpdatedAt   time.Time  `json:"updated_at"`
	SubmittedAt *time.Time `json:"submitted_at"`
	PublishedAt *time.Time `json:"published_at"`
	// ReviewedAt is when it was last known current (confirmed, else
	// published); ReviewDue, whether it waits for a confirmation ("à
	// actualiser"). Freshness: passerelle/freshness.go.
	ReviewedAt *time.Time      `json:"reviewed_at"`
	ReviewDue  bool            `json:"review_due"`
	Experience *experienceJSON `json:"experience,omitempty"`
	Tool       *toolJSON       `json:"tool,omitempty"`
	// Attachments are listed for one practice, not in lists.
	Attachments *[]attachmentJSON `json:"attachments,omitempty"`
	Cover       *coverJSON        `json:"cover"` // null: none (coverJSONOf, pages_writing.go)
	// UpdateOf is, for a working revision, the id of the published
	// practice it updates (null for a practice in its own right);
	// RevisedAt, when an approved update last replaced the published
	// content (passerelle/update.go).
	UpdateOf  *string    `json:"update_of"`
	RevisedAt *time.Time `json:"revised_at"`
}

type personJSON struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

type experienceJSON struct {
	Context   string   `json:"context"`
	Actions   string   `json:"actions"`
	Partners  []string `json:"partners"`
	Results   string   `json:"results"`
	Lessons   string   `json:"lessons"`
	StartedOn *string  `json:"started_on"`
	EndedOn   *string  `json:"ended_on"`
}

type toolJSON struct {
	Audience  []string `json:"audience"`
	Format    string   `json:"format"`
	Duration  string   `json:"duration"`
	License   string   `json:"license"`
	Languages []string `json:"languages"`
}

func idString(id int64) string { return strconv.FormatInt(id, 10) }

func dateString(t *time.Time) *string {
	if t == nil {
		return nil
	}
	s := t.Format(time.DateOnly)
	return &s
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func (s *Server) practiceJSON(p *passerelle.Practice) practiceJSON {
	out := practiceJSON{
		ID: idString(p.ID), URL: jobs.PracticeURL(s.opts.BaseURL, p.ID), Kind: string(p.Kind), Title: p.Title,
		Summary: p.Summary, Body: p.Body, Territory: p.TerritoryCode, Themes: nonNil(p.Themes), Status: string(p.Status),
		Author: personJSON{ID: idString(p.AuthorID), Name: p.AuthorName}, Revision: p.Revision, Version: p.Version,
		CreatedAt: p.CreatedAt, UpdatedAt: p.UpdatedAt, SubmittedAt: p.SubmittedAt, PublishedAt: p.PublishedAt,
		ReviewedAt: p.VerifiedAt(), ReviewDue: p.ReviewDue(), Cover: s.coverJSONOf(p), RevisedAt: p.RevisedAt,
	}
	if p.IsUpdate() {
		id := idString(p.UpdateOf)
		out.UpdateOf = &id
	}
	if p.Attachments != nil {
		items := s.attachmentsJSON(p.Attachments)
		out.Attachments = &items
	}
	switch p.Kind {
	case passerelle.KindExperience:
		e := p.Experience
		if e == nil {
			e = &passerelle.Experience{}
		}
		out.Experience = &experienceJSON{Context: e.Context, Actions: e.Actions, Partners: nonNil(e.Partners), Results: e.Results,
			Lessons: e.Lessons, StartedOn: dateString(e.StartedOn), EndedOn: dateString(e.EndedOn)}
	case passerelle.KindTool:
		t := p.Tool
		if t == nil {
			t = &passerelle.Tool{}
		}
		out.Tool = &toolJSON{Audience: nonNil(t.Audience), Format: t.Format, Duration: t.Duration, License: t.License, Languages: nonNil(t.Languages)}
	}
	return out
}

// practiceRequest is the body of a creation or an edit. Fields left out are
// left as they are; the read-only fields of the practice's JSON are accepted
// and ignored, so that a client may send back what it read.
type practiceRequest struct {
	Kind       *string            `json:"kind"`
	Title      *string            `json:"title"`
	Summary    *string            `json:"summary"`
	Body       *string            `json:"body"`
	Territory  *string            `json:"territory"`
	Themes     *[]string          `json:"themes"`
	Experience *experienceRequest `json:"experience"`
	Tool       *toolRequest       `json:"tool"`
	Version    *int               `json:"version"`

	ID          json.RawMessage `json:"id"`
	URL         json.RawMessage `json:"url"`
	Status      json.RawMessage `json:"status"`
	Author      json.RawMessage `json:"author"`
	Revision    json.RawMessage `json:"revision"`
	CreatedAt   json.RawMessage `json:"created_at"`
	UpdatedAt   json.RawMessage `json:"updated_at"`
	SubmittedAt json.RawMessage `json:"submitted_at"`
	PublishedAt json.RawMessage `json:"published_at"`
	ReviewedAt  json.RawMessage `json:"reviewed_at"`
	ReviewDue   json.RawMessage `json:"review_due"`
	Cover       json.RawMessage `json:"cover"` // set from the edit page
	UpdateOf    json.RawMessage `json:"update_of"`
	RevisedAt   json.RawMessage `json:"revised_at"`
}

type experienceRequest struct {
	Context   *string   `json:"context"`
	Actions   *string   `json:"actions"`
	Partners  *[]string `json:"partners"`
	Results   *string   `json:"results"`
	Lessons   *string   `json:"lessons"`
	StartedOn *string   `json:"started_on"`
	EndedOn   *string   `json:"ended_on"`
}

type toolRequest struct {
	Audience  *[]string `json:"audience"`
	Format    *string   `json:"format"`
	Duration  *string   `json:"duration"`
	License   *string   `json:"license"`
	Languages *[]string `json:"languages"`
}

func (req *practiceRequest) input() service.PracticeInput {
	in := service.PracticeInput{Title: req.Title, Summary: req.Summary, Body: req.Body, Territory: req.Territory, Themes: req.Themes}
	if req.Kind != nil {
		k := passerelle.Kind(*req.Kind)
		in.Kind = &k
	}
	if e := req.Experience; e != nil {
		in.Experience = &service.ExperienceInput{Context: e.Context, Actions: e.Actions, Results: e.Results, Lessons: e.Lessons,
			Partners: e.Partners, StartedOn: e.StartedOn, EndedOn: e.EndedOn}
	}
	if t := req.Tool; t != nil {
		in.Tool = &service.ToolInput{Audience: t.Audience, Languages: t.Languages, Format: t.Format, Duration: t.Duration, License: t.License}
	}
	if req.Version != nil {
		in.Version = *req.Version
	}
	return in
}

type eventJSON struct {
	At time.Time `json:"at"`
	// Actor is null when the caller may not know who acted
	// (passerelle.PartActors).
	Actor   *personJSON `json:"actor"`
	Action  string      `json:"action"`
	From    *string     `json:"from"`
	To      *string     `json:"to"`
	Comment string      `json:"comment"`
}

func optional(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func eventToJSON(e passerelle.Event) eventJSON {
	out := eventJSON{At: e.At, Action: string(e.Action), From: optional(string(e.From)), To: optional(string(e.To)), Comment: e.Comment}
	if e.ActorID != 0 {
		out.Actor = &personJSON{ID: idString(e.ActorID), Name: e.ActorName}
	}
	return out
}
