package web

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/passerelle/passerelle/internal/markdown"
	"github.com/passerelle/passerelle/internal/opendata"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/view"
)

// practicePage shows a practice to whoever may see it (404 for anyone else),
// with the buttons its viewer may use.
func (s *Server) practicePage(w http.ResponseWriter, r *http.Request) {
	id, err := practiceID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.showPractice(w, r, http.StatusOK, id, &view.PracticeData{})
}

// showPractice renders the practice page; data may carry the errors and
// values of a refused decision, to show again.
func (s *Server) showPractice(w http.ResponseWriter, r *http.Request, status int, id int64, data *view.PracticeData) {
	ctx := r.Context()
	actor := userFrom(ctx)
	p, err := s.svc.Practice(ctx, actor, id)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	if data.Practice, err = s.practiceDetail(ctx, actor, p); err != nil {
		s.errorPage(w, r, err)
		return
	}
	if err := s.reviewDetail(ctx, r, actor, p, &data.Practice); err != nil {
		s.errorPage(w, r, err)
		return
	}
	if err := s.updateDetail(ctx, actor, p, &data.Practice); err != nil { // pages_updates.go
		s.errorPage(w, r, err)
		return
	}
	data.FieldChoices = fieldChoices(s.tr(r), p)
	if data.Practice.Tool != nil && p.Tool != nil {
		// Languages are codes: people read their names.
		data.Practice.Tool.Languages = opendata.LanguageNames(p.Tool.Languages, s.lang(r))
	}
	if err := s.practiceDiscovery(ctx, actor, p, data); err != nil { // pages_discover.go
		s.errorPage(w, r, err)
		return
	}
	if err := s.practiceMeetings(ctx, r, actor, p, data); err != nil { // pages_meetings.go
		s.errorPage(w, r, err)
		return
	}
	s.render(w, r, status, "practice", &view.Page{Title: p.Title, Data: data})
}

// practiceDetail builds the full view of p for actor.
func (s *Server) practiceDetail(ctx context.Context, actor *passerelle.User, p *passerelle.Practice) (view.PracticeDetail, error) {
	snap, err := s.svc.Snapshot(ctx)
	if err != nil {
		return view.PracticeDetail{}, err
	}
	history, err := s.svc.History(ctx, actor, p.ID)
	if err != nil {
		return view.PracticeDetail{}, err
	}
	can := s.svc.Abilities(ctx, actor, p)
	d := view.PracticeDetail{
		PracticeCard: card(snap, p),
		BodyHTML:     markdown.Stored(p.Body, p.BodyHTML, p.BodyRenderer),
		Revision:     p.Revision,
		CreatedAt:    p.CreatedAt,
		PublishedAt:  p.PublishedAt,
		CanEdit:      can[passerelle.ActionEdit],
		CanSubmit:    can[passerelle.ActionSubmit],
		CanDecide:    can[passerelle.ActionApprove] || can[passerelle.ActionRequestChanges] || can[passerelle.ActionReject],
		VerifiedAt:   p.VerifiedAt(),
		CanConfirm:   can[passerelle.ActionConfirmCurrent],
	}
	if e := p.Experience; e != nil && p.Kind == passerelle.KindExperience {
		d.Experience = &view.ExperienceView{Context: e.Context, Actions: e.Actions, Results: e.Results, Lessons: e.Lessons,
			Partners: e.Partners, StartedOn: e.StartedOn, EndedOn: e.EndedOn}
	}
	if t := p.Tool; t != nil && p.Kind == passerelle.KindTool {
		d.Tool = &view.ToolView{Audience: t.Audience, Format: t.Format, Duration: t.Duration, License: t.License, Languages: t.Languages}
	}
	for _, e := range history {
		d.History = append(d.History, view.HistoryEntry{At: e.At, ActorName: e.ActorName, Action: string(e.Action),
			From: string(e.From), To: string(e.To), Comment: e.Comment})
	}
	if actor != nil && actor.ID == p.AuthorID {
		if d.LastComment, err = s.svc.LatestComment(ctx, p.ID); err != nil {
			return view.PracticeDetail{}, err
		}
	}
	return d, nil
}

// practiceFormData returns the choices of the practice form for u: the
// territories u may write for (and those of include that exist, such as the
// practice's own), in the order of the tree, and every theme.
func (s *Server) practiceFormData(ctx context.Context, u *passerelle.User, include ...string) (*view.PracticeFormData, error) {
	snap, err := s.svc.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	offered := map[string]bool{}
	for _, code := range snap.Scopes(u, passerelle.PermCreatePractice) {
		offered[code] = true
	}
	for _, code := range include {
		if code != "" {
			offered[code] = true
		}
	}
	data := &view.PracticeFormData{Territories: territoryChoices(snap.Tree(), offered)}
	for _, th := range snap.Themes() {
		data.Themes = append(data.Themes, view.Theme{Slug: th.Slug, Name: th.Name})
	}
	for _, code := range passerelle.Languages {
		data.Languages = append(data.Languages, view.Option{Value: code, Label: passerelle.LanguageName(code, "fr")})
	}
	return data, nil
}

// newPracticePage shows the empty practice form.
func (s *Server) newPracticePage(w http.ResponseWriter, r *http.Request) {
	u := s.signedIn(w, r)
	if u == nil {
		return
	}
	data, err := s.practiceFormData(r.Context(), u)
	if err == nil && len(data.Territories) == 0 {
		// The service refuses a practice from anyone without a contributor
		// role; the form would be of no use.
		err = passerelle.Errorf(passerelle.EForbidden, "You are not a contributor.")
	}
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.writingData(r, data)
	s.render(w, r, http.StatusOK, "practice_form", &view.Page{Title: s.tr(r).T("form.new_heading"), Data: data})
}

// createPracticePage saves a new draft from the form and, with the "submit"
// button, sends it for review.
func (s *Server) createPracticePage(w http.ResponseWriter, r *http.Request) {
	u := s.signedIn(w, r)
	if u == nil {
		return
	}
	if err := parseForm(w, r, maxPracticeForm); err != nil {
		if passerelle.ErrorCode(err) == passerelle.EValidation { // characters refused: keep the text
			f, _, _ := practiceForm(r)
			s.showPracticeForm(w, r, http.StatusBadRequest, u, "", 0, f, formErrors(s.tr(r), err), "")
			return
		}
		s.errorPage(w, r, err)
		return
	}
	ctx := r.Context()
	f, _, action := practiceForm(r)
	p, err := s.svc.CreatePractice(ctx, u, practiceInput(f, 0))
	switch code := errorCode(err); code {
	case "":
	case passerelle.EValidation, passerelle.EForbidden:
		// Refused for what was typed (or a role lost meanwhile): keep it.
		s.showPracticeForm(w, r, statusOf[code], u, "", 0, f, formErrors(s.tr(r), err), "")
		return
	default:
		s.errorPage(w, r, err)
		return
	}
	if action == "submit" {
		s.submitSaved(w, r, u, p, f)
		return
	}
	s.redirectWithFlash(w, r, practiceURL(p.ID), "created")
}

// editPracticePage shows the form of a practice its author may still edit.
func (s *Server) editPracticePage(w http.ResponseWriter, r *http.Request) {
	u := s.signedIn(w, r)
	if u == nil {
		return
	}
	id, err := practiceID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	ctx := r.Context()
	p, err := s.svc.Practice(ctx, u, id)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	if !s.svc.Abilities(ctx, u, p)[passerelle.ActionEdit] {
		s.errorPage(w, r, notEditable(p))
		return
	}
	s.showPracticeForm(w, r, http.StatusOK, u, idString(p.ID), p.Version, formOf(p), nil, "")
}

// notEditable says why an edit is refused: the practice's state (conflict)
// or the viewer (forbidden).
func notEditable(p *passerelle.Practice) error {
	if p.Editable() {
		return passerelle.Errorf(passerelle.EForbidden, "Only the author can edit this practice.")
	}
	return passerelle.Errorf(passerelle.EConflict, "This practice cannot be edited in its state.")
}

// updatePracticePage saves the edit form and, with the "submit" button,
// sends the practice for review. When the service refuses the edit (invalid
// input, a stale version, a role or a state changed meanwhile), the text the
// user typed is shown again with the reason.
func (s *Server) updatePracticePage(w http.ResponseWriter, r *http.Request) {
	u := s.signedIn(w, r)
	if u == nil {
		return
	}
	id, err := practiceID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	if err := parseForm(w, r, maxPracticeForm); err != nil {
		if passerelle.ErrorCode(err) == passerelle.EValidation { // characters refused: keep the text
			f, version, _ := practiceForm(r)
			s.showPracticeForm(w, r, http.StatusBadRequest, u, idString(id), version, f, formErrors(s.tr(r), err), "")
			return
		}
		s.errorPage(w, r, err)
		return
	}
	ctx := r.Context()
	tr := s.tr(r)
	f, version, action := practiceForm(r)
	p, err := s.svc.UpdatePractice(ctx, u, id, practiceInput(f, version))
	var e *passerelle.Error
	switch code := errorCode(err); {
	case err == nil:
	case errors.As(err, &e) && e.Code == passerelle.EConflict && e.Fields["version"] == "stale":
		// Someone changed the practice since this form was shown (another
		// tab, another device): keep what was typed, based on the current
		// version, so that saving again replaces it knowingly.
		cur, err := s.svc.Practice(ctx, u, id)
		if err != nil {
			s.errorPage(w, r, err)
			return
		}
		s.showPracticeForm(w, r, http.StatusConflict, u, idString(id), cur.Version, f,
			[]view.FormError{{Message: tr.T("form.error.stale")}}, "")
		return
	case code == passerelle.EValidation, code == passerelle.EForbidden, code == passerelle.EConflict:
		// Refused for what was typed, a role lost or a state changed
		// meanwhile: say why and keep the text.
		s.showPracticeForm(w, r, statusOf[code], u, idString(id), version, f, formErrors(tr, err), "")
		return
	default:
		s.errorPage(w, r, err)
		return
	}
	if action == "submit" {
		s.submitSaved(w, r, u, p, f)
		return
	}
	s.redirectWithFlash(w, r, practiceURL(p.ID), "saved")
}

// submitSaved submits a practice just saved from form f. When it is not
// complete, the edit form of the saved draft is shown with what is missing.
func (s *Server) submitSaved(w http.ResponseWriter, r *http.Request, u *passerelle.User, p *passerelle.Practice, f view.PracticeForm) {
	_, err := s.svc.Submit(r.Context(), u, p.ID)
	if f.Kind == "" {
		f.Kind = string(p.Kind) // the kind the service gave the draft
	}
	switch errorCode(err) {
	case "":
		s.redirectWithFlash(w, r, practiceURL(p.ID), "submitted")
	case passerelle.EValidation:
		tr := s.tr(r)
		s.showPracticeForm(w, r, http.StatusBadRequest, u, idString(p.ID), p.Version, f, formErrors(tr, err), tr.T("form.not_submitted"))
	default:
		s.errorPage(w, r, err)
	}
}

// showPracticeForm renders the practice form: a new practice when id is
// empty, else an edit based on version. notice, when not empty, is a
// translated status message shown above the form.
func (s *Server) showPracticeForm(w http.ResponseWriter, r *http.Request, status int, u *passerelle.User,
	id string, version int, f view.PracticeForm, errs []view.FormError, notice string) {
	data, err := s.practiceFormData(r.Context(), u, f.Territory)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	data.ID, data.Version, data.Form, data.Errors = id, version, f, errs
	if n, _ := strconv.ParseInt(id, 10, 64); n > 0 {
		if err := s.formReview(r, u, n, data); err != nil {
			s.errorPage(w, r, err)
			return
		}
	}
	tr := s.tr(r)
	s.writingData(r, data)
	title := tr.T("form.new_heading")
	if id != "" {
		title = tr.T("form.edit_heading", "title", f.Title)
	}
	s.render(w, r, status, "practice_form", &view.Page{Title: title, Data: data, Flash: notice})
}

// submitPracticePage sends a practice for review from its page. When it is
// not complete, its edit form is shown with what is missing.
func (s *Server) submitPracticePage(w http.ResponseWriter, r *http.Request) {
	id, err := practiceID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	if err := parseForm(w, r, maxSmallForm); err != nil {
		s.errorPage(w, r, err)
		return
	}
	ctx := r.Context()
	u := userFrom(ctx)
	_, err = s.svc.Submit(ctx, u, id)
	switch errorCode(err) {
	case "":
		s.redirectWithFlash(w, r, practiceURL(id), "submitted")
	case passerelle.EValidation:
		p, perr := s.svc.Practice(ctx, u, id)
		if perr != nil {
			s.errorPage(w, r, perr)
			return
		}
		tr := s.tr(r)
		s.showPracticeForm(w, r, http.StatusBadRequest, u, idString(id), p.Version, formOf(p), formErrors(tr, err), tr.T("form.not_submitted"))
	case passerelle.EConflict:
		s.showPractice(w, r, http.StatusConflict, id, &view.PracticeData{Errors: formErrors(s.tr(r), err)})
	default:
		s.errorPage(w, r, err)
	}
}

// decidePage records a moderator's decision, then goes back to the review
// queue. A refused decision shows the practice again with the reason and
// what the moderator wrote.
func (s *Server) decidePage(w http.ResponseWriter, r *http.Request) {
	id, err := practiceID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	if err := parseForm(w, r, maxSmallForm); err != nil {
		s.errorPage(w, r, err)
		return
	}
	decision, comment, fields := r.PostForm.Get("decision"), r.PostForm.Get("comment"), r.PostForm["fields"]
	p, err := s.svc.DecideOn(r.Context(), userFrom(r.Context()), id, decision, comment, fields)
	switch code := errorCode(err); code {
	case "":
		s.redirectWithFlash(w, r, "/bureau", decisionFlash(p, decision))
	case passerelle.EValidation, passerelle.EConflict:
		s.showPractice(w, r, statusOf[code], id, &view.PracticeData{Errors: formErrors(s.tr(r), err), Comment: comment, Decision: decision, Fields: fields})
	default:
		s.errorPage(w, r, err)
	}
}
