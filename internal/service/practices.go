package service

import (
	"context"
	"strings"
	"time"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/authz"
	"github.com/passerelle/passerelle/internal/jobs"
	"github.com/passerelle/passerelle/internal/markdown"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// PracticeInput carries the fields of a creation or an edit; a nil field is
// left as it is.
type PracticeInput struct {
	Kind       *passerelle.Kind
	Title      *string
	Summary    *string
	Body       *string
	Territory  *string
	Themes     *[]string
	Experience *ExperienceInput
	Tool       *ToolInput
	// Version is the version the edit is based on; a different current
	// version means someone else changed the practice meanwhile (conflict).
	// Zero skips the check.
	Version int
}

// ExperienceInput carries the fields of an experience report; nil fields are
// left as they are. Dates are "YYYY-MM-DD", or "" to clear them.
type ExperienceInput struct {
	Context, Actions, Results, Lessons *string
	Partners                           *[]string
	StartedOn, EndedOn                 *string
}

// ToolInput carries the fields of a teaching tool; nil fields are left as
// they are.
type ToolInput struct {
	Audience, Languages       *[]string
	Format, Duration, License *string
}

func set[T any](dst *T, src *T) {
	if src != nil {
		*dst = *src
	}
}

func setDate(v passerelle.Validation, field string, dst **time.Time, src *string) {
	if src == nil {
		return
	}
	if strings.TrimSpace(*src) == "" {
		*dst = nil
		return
	}
	d, err := time.Parse(time.DateOnly, strings.TrimSpace(*src))
	if err != nil {
		v.Add(field, passerelle.FieldInvalid)
		return
	}
	*dst = &d
}

// apply copies the given fields onto p; it reports malformed dates in v.
func (in *PracticeInput) apply(p *passerelle.Practice, v passerelle.Validation) {
	set(&p.Kind, in.Kind)
	set(&p.Title, in.Title)
	set(&p.Summary, in.Summary)
	set(&p.Body, in.Body)
	set(&p.TerritoryCode, in.Territory)
	set(&p.Themes, in.Themes)
	if e := in.Experience; e != nil {
		if p.Experience == nil {
			p.Experience = &passerelle.Experience{}
		}
		set(&p.Experience.Context, e.Context)
		set(&p.Experience.Actions, e.Actions)
		set(&p.Experience.Results, e.Results)
		set(&p.Experience.Lessons, e.Lessons)
		set(&p.Experience.Partners, e.Partners)
		setDate(v, "experience.started_on", &p.Experience.StartedOn, e.StartedOn)
		setDate(v, "experience.ended_on", &p.Experience.EndedOn, e.EndedOn)
	}
	if t := in.Tool; t != nil {
		if p.Tool == nil {
			p.Tool = &passerelle.Tool{}
		}
		set(&p.Tool.Audience, t.Audience)
		set(&p.Tool.Languages, t.Languages)
		set(&p.Tool.Format, t.Format)
		set(&p.Tool.Duration, t.Duration)
		set(&p.Tool.License, t.License)
	}
}

// checkReferences adds to v the territory and themes that do not exist.
func checkReferences(snap *authz.Snapshot, p *passerelle.Practice, v passerelle.Validation) {
	if p.TerritoryCode != "" && snap.Tree().Get(p.TerritoryCode) == nil {
		v.Add("territory", passerelle.FieldUnknown)
	}
	for _, slug := range p.Themes {
		if snap.Theme(slug) == nil {
			v.Add("themes", passerelle.FieldUnknown)
		}
	}
}

func validateDraft(snap *authz.Snapshot, p *passerelle.Practice, v passerelle.Validation) error {
	if err := p.ValidateDraft(); err != nil {
		for f, r := range err.(*passerelle.Error).Fields {
			v.Add(f, r)
		}
	}
	checkReferences(snap, p, v)
	checkRendering(p, v)
	return v.Err()
}

// renderBody renders the body of p once, as it is saved
// (markdown.RenderChecked): pages show the stored HTML whatever their
// number of readers. Errors: validation_failed naming "body" when the output
// goes over the budget (the cost was checked before, by checkRendering).
func renderBody(p *passerelle.Practice) error {
	html, err := markdown.RenderChecked(p.Body)
	if err != nil {
		return &passerelle.Error{Code: passerelle.EValidation, Message: "The body is too complex to lay out.",
			Fields: map[string]string{"body": passerelle.FieldTooComplex}}
	}
	p.BodyHTML, p.BodyRenderer = string(html), markdown.Version
	return nil
}

// renderBatch is how many bodies RenderStaleBodies reads at a time.
const renderBatch = 200

// RenderStaleBodies renders again the bodies that the current renderer did
// not render (markdown.Version): after the renderer changed, or for
// practices inserted in bulk. serve runs it at start-up, in the background;
// until a body is done its page renders it on view. A body beyond the budget
// (saved before there was one) is stored as plain text. It returns how many
// it rendered; it stops early, with ctx's error, when ctx ends.
func (s *Service) RenderStaleBodies(ctx context.Context) (int, error) {
	n := 0
	var after int64
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		stale, err := store.StaleBodies(ctx, s.DB.Bun, markdown.Version, after, renderBatch)
		if err != nil || len(stale) == 0 {
			return n, err
		}
		for _, b := range stale {
			if err := store.SetBodyHTML(ctx, s.DB.Bun, b.ID, b.Body, string(markdown.Render(b.Body)), markdown.Version); err != nil {
				return n, err
			}
			n++
			after = b.ID
		}
	}
}

// checkRendering adds to v a body whose Markdown would cost more than the
// renderer's budget to render (markdown.Check): it is refused when saved,
// so that every page shows in bounded time.
func checkRendering(p *passerelle.Practice, v passerelle.Validation) {
	if markdown.IsTooComplex(markdown.Check(p.Body)) {
		v.Add("body", passerelle.FieldTooComplex)
	}
}

// mayWrite reports whether u may write a practice for territory (anywhere,
// for a draft that has none yet).
func mayWrite(snap *authz.Snapshot, u *passerelle.User, perm passerelle.Permission, territory string) bool {
	if territory == "" {
		return snap.CanAnywhere(u, perm)
	}
	return snap.Can(u, perm, territory)
}

// CreatePractice saves a new draft written by actor. A title is enough.
// Errors: unauthenticated, validation_failed (with fields), forbidden (no
// contributor role on the territory).
func (s *Service) CreatePractice(ctx context.Context, actor Actor, in PracticeInput) (*passerelle.Practice, error) {
	if actor == nil {
		return nil, SignInNeeded()
	}
	snap, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	now := store.Now()
	// A title is enough for a draft: without a kind it is an experience
	// report, which the author may still change while it is a draft.
	p := &passerelle.Practice{Kind: passerelle.KindExperience, Status: passerelle.StatusDraft, AuthorID: actor.ID, Version: 1, CreatedAt: now, UpdatedAt: now}
	v := passerelle.Validation{}
	in.apply(p, v)
	p.Normalize()
	if err := validateDraft(snap, p, v); err != nil {
		return nil, err
	}
	if !mayWrite(snap, actor, passerelle.PermCreatePractice, p.TerritoryCode) {
		return nil, forbidden("You are not a contributor for this territory.")
	}
	if err := renderBody(p); err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := store.InsertPractice(ctx, tx, p); err != nil {
			return err
		}
		return store.InsertEvent(ctx, tx, &passerelle.Event{PracticeID: p.ID, At: now, ActorID: actor.ID,
			Action: passerelle.ActionCreate, To: passerelle.StatusDraft})
	})
	if err != nil {
		return nil, err
	}
	return s.reload(ctx, s.DB.Bun, p.ID)
}

// visible reports whether actor may read p, by the rule of visibility:
// everyone reads what is published, the participants of its review
// anything else (passerelle.Audience.SeesPractice).
func visible(snap *authz.Snapshot, actor Actor, p *passerelle.Practice) bool {
	return passerelle.AudienceOf(snap, actor, p).SeesPractice(p)
}

// loadFor is the preamble of every use case on one practice: actor must be
// signed in, may see practice id (load) and may do action on it in its
// present state (checkActivity).
func (s *Service) loadFor(ctx context.Context, actor Actor, id int64, action passerelle.Action) (*passerelle.Practice, *authz.Snapshot, error) {
	if actor == nil {
		return nil, nil, SignInNeeded()
	}
	p, snap, err := s.load(ctx, s.DB.Read, actor, id)
	if err != nil {
		return nil, nil, err
	}
	if _, err := checkActivity(snap, actor, p, action); err != nil {
		return nil, nil, err
	}
	return p, snap, nil
}

// load returns the practice if actor may see it, and a not_found error
// otherwise — the same answer whether it exists or not.
func (s *Service) load(ctx context.Context, db bun.IDB, actor Actor, id int64) (*passerelle.Practice, *authz.Snapshot, error) {
	snap, err := s.snapshot(ctx)
	if err != nil {
		return nil, nil, err
	}
	p, err := store.GetPractice(ctx, db, id)
	if err != nil {
		return nil, nil, err
	}
	if !visible(snap, actor, p) {
		return nil, nil, passerelle.Errorf(passerelle.ENotFound, "Practice not found.")
	}
	return p, snap, nil
}

// Practice returns one practice with its attachments. Errors: not_found
// (also when it exists but actor may not see it).
func (s *Service) Practice(ctx context.Context, actor Actor, id int64) (*passerelle.Practice, error) {
	p, _, err := s.load(ctx, s.DB.Read, actor, id)
	if err != nil {
		return nil, err
	}
	if p.Attachments, err = store.ListAttachments(ctx, s.DB.Read, id); err != nil {
		return nil, err
	}
	return p, nil
}

// check tells whether actor may perform t on p now: nil, forbidden (wrong
// party or no role), or conflict (wrong state). It is the one place where the
// workflow table meets the policy.
func check(snap *authz.Snapshot, actor Actor, p *passerelle.Practice, t *passerelle.Transition) error {
	if actor == nil {
		return SignInNeeded()
	}
	switch t.By {
	case passerelle.PartyAuthor:
		if actor.ID != p.AuthorID {
			return forbidden("Only the author can do this.")
		}
		if !mayWrite(snap, actor, t.Permission, p.TerritoryCode) {
			return forbidden("You are no longer a contributor for this territory.")
		}
	case passerelle.PartyModerator:
		if actor.ID == p.AuthorID {
			return forbidden("A moderator never decides on their own practice.")
		}
		if !passerelle.ActsAsModerator(snap, actor, p, t.Permission) {
			return forbidden("You are not a moderator for this territory.")
		}
	}
	if !t.Allows(p.Status) {
		return passerelle.Errorf(passerelle.EConflict, "This cannot be done while the practice is %s.", p.Status)
	}
	return nil
}

// Abilities says which actions a user may take on a practice right now, for
// the pages to show only the buttons that will work.
type Abilities map[passerelle.Action]bool

// Abilities computes what actor may do with p, from the same rules that
// guard the actions themselves.
func (s *Service) Abilities(ctx context.Context, actor Actor, p *passerelle.Practice) Abilities {
	out := Abilities{}
	snap, err := s.snapshot(ctx)
	if err != nil || actor == nil {
		return out
	}
	for i := range passerelle.Transitions {
		if t := &passerelle.Transitions[i]; t.AppliesTo(p) {
			out[t.Action] = check(snap, actor, p, t) == nil
		}
	}
	for _, a := range passerelle.Activities {
		_, err := checkActivity(snap, actor, p, a.Action)
		out[a.Action] = err == nil
	}
	return out
}

// UpdatePractice edits a draft or a practice sent back for changes. Errors:
// unauthenticated, not_found, forbidden (not the author), conflict (wrong
// state, or in.Version is stale: someone else changed it), validation_failed.
func (s *Service) UpdatePractice(ctx context.Context, actor Actor, id int64, in PracticeInput) (*passerelle.Practice, error) {
	if actor == nil {
		return nil, SignInNeeded() // like every other write, whatever the state
	}
	p, snap, err := s.load(ctx, s.DB.Read, actor, id)
	if err != nil {
		return nil, err
	}
	edit := passerelle.TransitionFor(passerelle.ActionEdit, p)
	if err := check(snap, actor, p, edit); err != nil {
		return nil, err
	}
	if in.Version != 0 && in.Version != p.Version {
		return nil, staleVersion()
	}
	expected := p.Version
	v := passerelle.Validation{}
	in.apply(p, v)
	p.Normalize()
	p.UpdatedAt = store.Now()
	if p.IsUpdate() {
		if err := s.checkUpdate(ctx, p, v); err != nil {
			return nil, err
		}
	}
	if err := validateDraft(snap, p, v); err != nil {
		return nil, err
	}
	if !mayWrite(snap, actor, passerelle.PermEditPractice, p.TerritoryCode) {
		return nil, forbidden("You are not a contributor for this territory.")
	}
	if err := renderBody(p); err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		ok, err := store.UpdatePracticeContent(ctx, tx, p, expected)
		if err != nil {
			return err
		} else if !ok {
			return staleVersion()
		}
		// Edits in one sitting (autosave) are one entry of the history.
		if merged, err := store.ExtendEdit(ctx, tx, p.ID, actor.ID, p.UpdatedAt.Add(-EditBurst), p.UpdatedAt); err != nil || merged {
			return err
		}
		return store.InsertEvent(ctx, tx, &passerelle.Event{PracticeID: p.ID, At: p.UpdatedAt, ActorID: actor.ID,
			Action: passerelle.ActionEdit, From: p.Status, To: p.Status})
	})
	if err != nil {
		return nil, err
	}
	return s.reload(ctx, s.DB.Bun, id)
}

// staleVersion is the conflict of an edit based on an old version; the
// caller shows the current one.
func staleVersion() error {
	return &passerelle.Error{Code: passerelle.EConflict,
		Message: "Someone else changed this practice meanwhile; reload it and apply your changes again.",
		Fields:  map[string]string{"version": "stale"}}
}

// Submit sends a draft (or a practice sent back) to the moderators. The
// practice must be complete; what is missing comes back as validation_failed
// with fields, and the practice stays as it was. It freezes a revision and
// notifies each moderator covering the territory.
func (s *Service) Submit(ctx context.Context, actor Actor, id int64) (*passerelle.Practice, error) {
	return s.transition(ctx, actor, id, passerelle.ActionSubmit, "", nil)
}

// Decide applies a moderator's decision ("approve", "request_changes",
// "reject") on a submitted practice. A comment is required unless approving.
// Errors: not_found, forbidden (not a moderator of the territory, or the
// author), conflict (not submitted, or another decision came first),
// validation_failed (unknown decision, missing comment).
func (s *Service) Decide(ctx context.Context, actor Actor, id int64, decision, comment string) (*passerelle.Practice, error) {
	return s.DecideOn(ctx, actor, id, decision, comment, nil)
}

// DecideOn is Decide with the fields of the sheet the reason is about (see
// passerelle.SheetFields), shown to the author beside them. Errors: those of
// Decide, and validation_failed naming "fields" for an unknown field.
func (s *Service) DecideOn(ctx context.Context, actor Actor, id int64, decision, comment string, fields []string) (*passerelle.Practice, error) {
	action, ok := passerelle.Decisions[passerelle.Decision(decision)]
	if !ok {
		field := passerelle.FieldUnknown
		if decision == "" {
			field = passerelle.FieldRequired
		}
		return nil, &passerelle.Error{Code: passerelle.EValidation, Message: "Unknown decision.", Fields: map[string]string{"decision": field}}
	}
	return s.transition(ctx, actor, id, action, comment, fields)
}

// Withdraw takes a submission back (author).
func (s *Service) Withdraw(ctx context.Context, actor Actor, id int64) (*passerelle.Practice, error) {
	return s.transition(ctx, actor, id, passerelle.ActionWithdraw, "", nil)
}

// Archive takes a published practice off the public lists (moderator).
func (s *Service) Archive(ctx context.Context, actor Actor, id int64, comment string) (*passerelle.Practice, error) {
	return s.transition(ctx, actor, id, passerelle.ActionArchive, comment, nil)
}

// Unarchive publishes an archived practice again (moderator).
func (s *Service) Unarchive(ctx context.Context, actor Actor, id int64, comment string) (*passerelle.Practice, error) {
	return s.transition(ctx, actor, id, passerelle.ActionUnarchive, comment, nil)
}

func (s *Service) transition(ctx context.Context, actor Actor, id int64, action passerelle.Action, comment string, fields []string) (*passerelle.Practice, error) {
	if actor == nil {
		return nil, SignInNeeded()
	}
	p, snap, err := s.load(ctx, s.DB.Read, actor, id)
	if err != nil {
		return nil, err
	}
	t := passerelle.TransitionFor(action, p)
	if t == nil {
		return nil, passerelle.Errorf(passerelle.EConflict, "This cannot be done to an update under way.")
	}
	if err := check(snap, actor, p, t); err != nil {
		return nil, err
	}
	comment = strings.TrimSpace(comment)
	if fields, err = passerelle.ValidateComment(comment, fields, t.CommentNeeded); err != nil {
		if t.CommentNeeded && comment == "" {
			err.(*passerelle.Error).Message = "A reason is required."
		}
		return nil, err
	}
	if action == passerelle.ActionSubmit {
		v := passerelle.Validation{}
		if err := p.ValidateComplete(); err != nil {
			for f, r := range err.(*passerelle.Error).Fields {
				v.Add(f, r)
			}
		}
		checkReferences(snap, p, v)
		checkRendering(p, v)
		if err := v.Err(); err != nil {
			return nil, err
		}
	}
	now := store.Now()
	to := t.Target(p.Status)
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		ok, err := store.MovePractice(ctx, tx, p, to, now)
		if err != nil {
			return err
		} else if !ok {
			return passerelle.Errorf(passerelle.EConflict, "Someone else acted on this practice first; reload it.")
		}
		if action == passerelle.ActionSubmit {
			frozen := *p
			frozen.Status, frozen.Revision, frozen.SubmittedAt = to, p.Revision+1, &now
			files, err := s.revisionFiles(ctx, tx, p)
			if err != nil {
				return err
			}
			cover, err := s.revisionCover(ctx, tx, p)
			if err != nil {
				return err
			}
			if err := store.InsertRevision(ctx, tx, passerelle.Revision{PracticeID: p.ID, Number: p.Revision + 1,
				Practice: frozen, SubmittedAt: now, SubmittedBy: actor.ID, Files: files,
				Cover: cover, CoverKnown: true}); err != nil {
				return err
			}
		}
		if t.Replaces {
			if err := s.applyUpdate(ctx, tx, actor, p, now); err != nil {
				return err
			}
		}
		if p.Status == passerelle.StatusSubmitted && to != passerelle.StatusSubmitted {
			// A claim ends with the review it was for.
			if _, err := store.DeleteClaim(ctx, tx, p.ID, 0); err != nil {
				return err
			}
		}
		ev := &passerelle.Event{PracticeID: p.ID, At: now, ActorID: actor.ID, Action: action, From: p.Status, To: to, Comment: comment, Fields: fields}
		if err := store.InsertEvent(ctx, tx, ev); err != nil {
			return err
		}
		if t.Notify == "" && !t.FanOut {
			return nil
		}
		_, err = s.River.InsertTx(ctx, tx.Tx, jobs.NotifyEventArgs{EventID: ev.ID}, nil)
		return err
	})
	if err != nil {
		return nil, err
	}
	return s.reload(ctx, s.DB.Bun, id)
}

// History returns the history of a practice as actor may see it, oldest
// first (passerelle.Audience.History): the public gets the public facts of
// its life (published, archived, restored — without who or why) and its
// reuses; the participants of its review get everything.
func (s *Service) History(ctx context.Context, actor Actor, id int64) ([]passerelle.Event, error) {
	p, snap, err := s.load(ctx, s.DB.Read, actor, id)
	if err != nil {
		return nil, err
	}
	events, err := store.ListEvents(ctx, s.DB.Read, id)
	if err != nil {
		return nil, err
	}
	return passerelle.AudienceOf(snap, actor, p).History(events), nil
}

// Revisions returns the submitted revisions of a practice actor may see,
// oldest first (passerelle.Audience.Revisions): every one to the
// participants of its review, the published one only to the public.
func (s *Service) Revisions(ctx context.Context, actor Actor, id int64) ([]passerelle.Revision, error) {
	p, snap, err := s.load(ctx, s.DB.Read, actor, id)
	if err != nil {
		return nil, err
	}
	revs, err := store.ListRevisions(ctx, s.DB.Read, id)
	if err != nil {
		return nil, err
	}
	return passerelle.AudienceOf(snap, actor, p).Revisions(p, revs), nil
}
