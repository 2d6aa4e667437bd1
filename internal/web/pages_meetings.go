package web

import (
	"context"
	"errors"
	"html/template"
	"io"
	"net/http"
	"net/url"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/passerelle/passerelle/internal/authz"
	"github.com/passerelle/passerelle/internal/jobs"
	"github.com/passerelle/passerelle/internal/markdown"
	"github.com/passerelle/passerelle/internal/opendata/jsonld"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/view"
)

// The pages of network meetings: the list (/rencontres), a meeting's page
// with its agenda, registration and organiser's tools, the form to announce
// or edit one, the attendance list and the record. Every rule is the
// service's (service.checkMeeting); the pages show the buttons that
// service.MeetingAbilities says will work.

func init() {
	flashes = append(flashes, "meeting_created", "meeting_saved", "meeting_cancelled", "meeting_held", "registered",
		"waiting", "unregistered", "agenda_added", "agenda_proposed", "agenda_accepted", "agenda_declined", "agenda_removed",
		"attendance_saved", "record_published", "file_added", "file_removed")
	formFields = append(formFields,
		formField{"description", "description", "meetings.form.description"},
		formField{"starts_at", "starts_at", "meetings.form.starts_at"},
		formField{"ends_at", "ends_at", "meetings.form.ends_at"},
		formField{"place", "place", "meetings.form.place"},
		formField{"online_url", "online_url", "meetings.form.online_url"},
		formField{"capacity", "capacity", "meetings.form.capacity"},
		formField{"registration_deadline", "registration_deadline", "meetings.form.deadline"},
		formField{"record", "record", "meetings.record.label"},
		formField{"reason", "reason", "meetings.cancel.reason"},
		formField{"practice_id", "practice_id", "meetings.agenda.practice"},
		formField{"speaker", "speaker", "meetings.agenda.speaker"},
		formField{"user_id", "user_id", "meetings.attendance.heading"},
		formField{"file", "file", "meetings.files.label"},
	)
}

// meetingPath is the page of a meeting.
func meetingPath(id int64) string { return "/rencontres/" + idString(id) }

// meetingCard builds the summary of m for reader's language.
func (s *Server) meetingCard(snap *authz.Snapshot, lang string, m *passerelle.Meeting, reg *passerelle.Registration) view.MeetingCard {
	c := view.MeetingCard{ID: idString(m.ID), URL: meetingPath(m.ID), Title: m.Title, Status: string(m.Status),
		Territory: territoryView(snap.Tree().Get(m.TerritoryCode), nil), StartsAt: m.StartsAt, EndsAt: m.EndsAt,
		When: jobs.MeetingWhen(lang, m), Place: m.Place, OnlineURL: m.OnlineURL, Capacity: m.Capacity,
		Registered: m.Registered, Waiting: m.Waiting, Past: !m.EndsAt.After(time.Now()), HasRecord: m.RecordPublished()}
	if m.Capacity > 0 {
		c.SeatsLeft = max(0, m.Capacity-m.Registered)
		c.Full = c.SeatsLeft == 0
	}
	for _, slug := range m.Themes {
		name := slug
		if th := snap.Theme(slug); th != nil {
			name = th.Name
		}
		c.Themes = append(c.Themes, view.Theme{Slug: slug, Name: name})
	}
	if reg != nil && reg.Status != passerelle.NoRegistration {
		c.MyStatus, c.MyRank = string(reg.Status), reg.WaitingRank
	}
	return c
}

// meetingFilters lists the territories and themes of the filters and forms.
func meetingChoices(snap *authz.Snapshot, only map[string]bool) ([]view.Territory, []view.Theme) {
	var ts []view.Territory
	snap.Tree().Walk(func(t *passerelle.Territory, _ int) bool {
		if only == nil || only[t.Code] {
			ts = append(ts, territoryView(t, nil))
		}
		return true
	})
	var ths []view.Theme
	for _, th := range snap.Themes() {
		ths = append(ths, view.Theme{Slug: th.Slug, Name: th.Name})
	}
	return ts, ths
}

// meetingsPage lists the meetings to come and those past, of a territory
// (with everything below it) and a theme, with the calendar and Atom feeds
// of the selection.
func (s *Server) meetingsPage(w http.ResponseWriter, r *http.Request) {
	ctx, actor, tr, lang := r.Context(), userFrom(r.Context()), s.tr(r), s.lang(r)
	q := r.URL.Query()
	snap, err := s.svc.Snapshot(ctx)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	data := &view.MeetingsData{CanCreate: s.svc.MayOrganizeAnywhere(ctx, actor)}
	data.Form.Territory, data.Form.Theme = q.Get("territory"), q.Get("theme")
	data.Territories, data.Themes = meetingChoices(snap, nil)
	status := http.StatusOK
	upcoming, err := s.svc.Meetings(ctx, service.MeetingQuery{Territory: data.Form.Territory, Theme: data.Form.Theme, When: "upcoming", PerPage: 100})
	if err == nil {
		var past *service.MeetingList
		past, err = s.svc.Meetings(ctx, service.MeetingQuery{Territory: data.Form.Territory, Theme: data.Form.Theme, When: "past", Page: q.Get("page")})
		if err == nil {
			all := append(append([]*passerelle.Meeting{}, upcoming.Items...), past.Items...)
			mine, merr := s.svc.MyRegistrations(ctx, actor, all)
			if merr != nil {
				s.errorPage(w, r, merr)
				return
			}
			for _, m := range upcoming.Items {
				reg := mine[m.ID]
				data.Upcoming = append(data.Upcoming, s.meetingCard(snap, lang, m, &reg))
			}
			for _, m := range past.Items {
				reg := mine[m.ID]
				data.Past = append(data.Past, s.meetingCard(snap, lang, m, &reg))
			}
			data.PastPagination = view.Pagination{Page: past.Page, PerPage: past.PerPage, Total: past.Total}
			base := url.Values{}
			for k, v := range map[string]string{"territory": data.Form.Territory, "theme": data.Form.Theme} {
				if v != "" {
					base.Set(k, v)
				}
			}
			if past.Page > 1 {
				prev := cloneValues(base)
				prev.Set("page", strconv.Itoa(past.Page-1))
				data.PastPagination.PrevURL = "/rencontres?" + prev.Encode()
			}
			if past.Page*past.PerPage < past.Total {
				next := cloneValues(base)
				next.Set("page", strconv.Itoa(past.Page+1))
				data.PastPagination.NextURL = "/rencontres?" + next.Encode()
			}
		}
	}
	if err != nil {
		if passerelle.ErrorCode(err) != passerelle.EInvalid {
			s.errorPage(w, r, err)
			return
		}
		data.Errors, status = formErrors(tr, err), http.StatusBadRequest
	}
	feedQuery := canonicalQuery(data.Form.Territory, data.Form.Theme, "")
	if len(data.Errors) > 0 {
		feedQuery = ""
	}
	abs := strings.TrimRight(s.opts.BaseURL, "/")
	data.CalendarURL = abs + "/feeds/rencontres.ics" + feedQuery
	data.WebcalURL = template.URL("webcal://" + strings.TrimPrefix(strings.TrimPrefix(data.CalendarURL, "https://"), "http://")) //nolint:gosec // our own URL
	data.AtomURL = "/feeds/rencontres.atom" + feedQuery
	s.render(w, r, status, "meetings", &view.Page{Title: tr.T("meetings.heading"), Data: data})
}

// meetingPage shows a meeting with what its reader may do.
func (s *Server) meetingPage(w http.ResponseWriter, r *http.Request) {
	id, err := meetingID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.showMeeting(w, r, http.StatusOK, id, &view.MeetingData{})
}

// showMeeting renders a meeting's page; data may carry the errors and values
// of a refused form of the page.
func (s *Server) showMeeting(w http.ResponseWriter, r *http.Request, status int, id int64, data *view.MeetingData) {
	ctx, actor, tr, lang := r.Context(), userFrom(r.Context()), s.tr(r), s.lang(r)
	m, err := s.svc.Meeting(ctx, id)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	snap, err := s.svc.Snapshot(ctx)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	reg, err := s.svc.MyRegistration(ctx, actor, id)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	data.Meeting = s.meetingCard(snap, lang, m, reg)
	data.DescriptionHTML = markdown.Render(m.Description)
	if m.RecordPublished() {
		data.RecordHTML, data.RecordAt = markdown.Render(m.Record), m.RecordPublishedAt
	}
	data.Organizer, data.CancelReason, data.Deadline, data.Sequence = m.OrganizerName, m.CancelReason, m.Deadline(), m.Sequence
	can := s.svc.MeetingAbilities(ctx, actor, m)
	data.Can = map[string]bool{}
	for action, ok := range can {
		data.Can[strings.TrimPrefix(string(action), "meeting.")] = ok
	}
	// Register and unregister depend on the reader's own registration.
	move := passerelle.RegistrationMoveFor(passerelle.MeetingRegister)
	from := passerelle.NoRegistration
	if reg != nil {
		from = reg.Status
	}
	data.Can["register"] = data.Can["register"] && move.Allows(from)
	data.Can["unregister"] = data.Can["unregister"] && reg != nil && passerelle.RegistrationMoveFor(passerelle.MeetingUnregister).Allows(reg.Status)
	if actor == nil {
		data.SignInURL = "/login?next=" + url.QueryEscape(meetingPath(id))
	}
	items, err := s.svc.Agenda(ctx, actor, id)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	var ldItems []jsonld.MeetingItem
	for _, it := range items {
		v := view.AgendaItemView{ID: idString(it.ID), Status: string(it.Status), PracticeURL: practiceURL(it.PracticeID),
			Title: it.PracticeTitle, Kind: string(it.PracticeKind), Speaker: it.Speaker, ProposedBy: it.ProposedByName,
			StartsAt: it.StartsAt, Comment: it.Comment,
			DecideURL: meetingPath(id) + "/programme/" + idString(it.ID) + "/decision",
			RemoveURL: meetingPath(id) + "/programme/" + idString(it.ID) + "/retirer"}
		if t := snap.Tree().Get(it.PracticeTerritory); t != nil {
			v.Territory = t.Name
		}
		v.CanRemove = data.Can["agenda.remove"]
		v.CanDecide = it.Status == passerelle.AgendaProposed && data.Can["agenda.accept"] && (actor == nil || it.ProposedBy != actor.ID)
		if it.Status == passerelle.AgendaAccepted {
			data.Agenda = append(data.Agenda, v)
			ldItems = append(ldItems, jsonld.MeetingItem{PracticeID: it.PracticeID, PracticeTitle: it.PracticeTitle,
				PracticeKind: it.PracticeKind, Speaker: it.Speaker, StartsAt: it.StartsAt})
		} else {
			data.Proposals = append(data.Proposals, v)
		}
	}
	files, err := s.svc.MeetingAttachments(ctx, id)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	data.Files = s.meetingFileViews(tr, lang, m.ID, files, data.Can["attach"])
	if data.Can["agenda.propose"] && !data.Can["agenda.add"] {
		mine, err := s.svc.ProposableFor(ctx, actor, id)
		if err != nil {
			s.errorPage(w, r, err)
			return
		}
		for _, p := range mine {
			data.Proposable = append(data.Proposable, view.PracticeOption{ID: idString(p.ID), Title: p.Title})
		}
		data.Can["agenda.propose"] = len(data.Proposable) > 0
	}
	var themes []passerelle.Theme
	for _, slug := range m.Themes {
		if th := snap.Theme(slug); th != nil {
			themes = append(themes, *th)
		}
	}
	territory := ""
	if t := snap.Tree().Get(m.TerritoryCode); t != nil {
		territory = t.Name
	}
	if ld, err := jsonld.Meeting(m, s.opts.BaseURL, territory, themes, ldItems); err == nil {
		data.JSONLD = template.JS(ld) //nolint:gosec // encoding/json escapes <, > and &
	}
	s.render(w, r, status, "meeting", &view.Page{Title: m.Title, Data: data})
}

func (s *Server) meetingFileViews(tr *view.Translator, lang string, meetingID int64, files []passerelle.Attachment, canRemove bool) []view.MeetingFileView {
	out := make([]view.MeetingFileView, len(files))
	for i, a := range files {
		out[i] = view.MeetingFileView{ID: idString(a.ID), Name: a.Name, URL: meetingPath(meetingID) + "/fichiers/" + idString(a.ID),
			Type: strings.ToUpper(strings.TrimPrefix(path.Ext(a.Name), ".")), SizeText: sizeText(tr, lang, a.Size)}
		if canRemove {
			out[i].RemoveURL = out[i].URL + "/supprimer"
		}
	}
	return out
}

// meetingFormData returns the choices of the meeting form for u: the
// territories where u organises meetings, every theme.
func (s *Server) meetingFormData(ctx context.Context, u *passerelle.User) (*view.MeetingFormData, error) {
	snap, err := s.svc.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	scopes, err := s.svc.OrganizerTerritories(ctx, u)
	if err != nil {
		return nil, err
	}
	only := map[string]bool{}
	for _, c := range scopes {
		only[c] = true
	}
	data := &view.MeetingFormData{}
	data.Territories, data.Themes = meetingChoices(snap, only)
	return data, nil
}

func (s *Server) newMeetingPage(w http.ResponseWriter, r *http.Request) {
	u := s.signedIn(w, r)
	if u == nil {
		return
	}
	if !s.svc.MayOrganizeAnywhere(r.Context(), u) {
		s.errorPage(w, r, passerelle.Errorf(passerelle.EForbidden, "Only moderators organise meetings."))
		return
	}
	data, err := s.meetingFormData(r.Context(), u)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	data.Form.Capacity = "30"
	s.render(w, r, http.StatusOK, "meeting_form", &view.Page{Title: s.tr(r).T("meetings.new.heading"), Data: data})
}

// meetingFormInput reads the meeting form into the service's input.
func meetingFormInput(r *http.Request) (view.MeetingForm, service.MeetingInput, passerelle.Validation) {
	v := r.PostForm
	get := func(name string) string { return strings.ReplaceAll(v.Get(name), "\r\n", "\n") }
	f := view.MeetingForm{Title: get("title"), Territory: get("territory"), Description: get("description"), StartsAt: get("starts_at"),
		EndsAt: get("ends_at"), Place: get("place"), OnlineURL: get("online_url"), Capacity: strings.TrimSpace(get("capacity")),
		Deadline: get("registration_deadline"), Themes: v["themes"]}
	themes := f.Themes
	if themes == nil {
		themes = []string{}
	}
	in := service.MeetingInput{Title: &f.Title, Territory: &f.Territory, Description: &f.Description, StartsAt: &f.StartsAt,
		EndsAt: &f.EndsAt, Place: &f.Place, OnlineURL: &f.OnlineURL, RegistrationDeadline: &f.Deadline, Themes: &themes}
	bad := passerelle.Validation{}
	capacity := 0
	if f.Capacity != "" {
		n, err := strconv.Atoi(f.Capacity)
		if err != nil {
			bad.Add("capacity", passerelle.FieldInvalid)
		}
		capacity = n
	}
	in.Capacity = &capacity
	in.Version, _ = strconv.Atoi(v.Get("version"))
	return f, in, bad
}

func (s *Server) createMeetingPage(w http.ResponseWriter, r *http.Request) {
	u := s.signedIn(w, r)
	if u == nil {
		return
	}
	if err := parseForm(w, r, maxPracticeForm); err != nil {
		s.errorPage(w, r, err)
		return
	}
	f, in, bad := meetingFormInput(r)
	var m *passerelle.Meeting
	err := bad.Err()
	if err == nil {
		m, err = s.svc.CreateMeeting(r.Context(), u, in)
	}
	if err != nil {
		s.meetingFormError(w, r, u, f, "", 0, err)
		return
	}
	s.redirectWithFlash(w, r, meetingPath(m.ID), "meeting_created")
}

// meetingFormError shows the form again with what was typed and the errors,
// or the error page for an error that is not about the form.
func (s *Server) meetingFormError(w http.ResponseWriter, r *http.Request, u *passerelle.User, f view.MeetingForm, id string, version int, err error) {
	code := passerelle.ErrorCode(err)
	var e *passerelle.Error
	if code != passerelle.EValidation && !(code == passerelle.EConflict && errors.As(err, &e) && e.Fields["version"] != "") {
		s.errorPage(w, r, err)
		return
	}
	data, derr := s.meetingFormData(r.Context(), u)
	if derr != nil {
		s.errorPage(w, r, derr)
		return
	}
	data.Form, data.ID, data.Version = f, id, version
	tr := s.tr(r)
	if code == passerelle.EConflict {
		data.Errors = []view.FormError{{Message: tr.T("meetings.form.stale")}}
	} else {
		data.Errors = formErrors(tr, err)
	}
	title := tr.T("meetings.new.heading")
	if id != "" {
		title = tr.T("meetings.edit.heading")
	}
	s.render(w, r, http.StatusBadRequest, "meeting_form", &view.Page{Title: title, Data: data})
}

func (s *Server) editMeetingPage(w http.ResponseWriter, r *http.Request) {
	u := s.signedIn(w, r)
	if u == nil {
		return
	}
	id, err := meetingID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	m, err := s.svc.Meeting(r.Context(), id)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	if !s.svc.MeetingAbilities(r.Context(), u, m)[passerelle.MeetingEdit] {
		s.errorPage(w, r, passerelle.Errorf(passerelle.EForbidden, "You may not edit this meeting."))
		return
	}
	data, err := s.meetingFormData(r.Context(), u)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	data.ID, data.Version = idString(m.ID), m.Version
	data.Form = view.MeetingForm{Title: m.Title, Territory: m.TerritoryCode, Description: m.Description,
		StartsAt: m.StartsAt.In(passerelle.MeetingZone).Format("2006-01-02T15:04"), EndsAt: m.EndsAt.In(passerelle.MeetingZone).Format("2006-01-02T15:04"),
		Place: m.Place, OnlineURL: m.OnlineURL, Capacity: strconv.Itoa(m.Capacity), Themes: m.Themes}
	if d := m.RegistrationDeadline; d != nil {
		data.Form.Deadline = d.In(passerelle.MeetingZone).Format("2006-01-02T15:04")
	}
	s.render(w, r, http.StatusOK, "meeting_form", &view.Page{Title: s.tr(r).T("meetings.edit.heading"), Data: data})
}

func (s *Server) updateMeetingPage(w http.ResponseWriter, r *http.Request) {
	u := s.signedIn(w, r)
	if u == nil {
		return
	}
	id, err := meetingID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	if err := parseForm(w, r, maxPracticeForm); err != nil {
		s.errorPage(w, r, err)
		return
	}
	f, in, bad := meetingFormInput(r)
	err = bad.Err()
	if err == nil {
		_, err = s.svc.UpdateMeeting(r.Context(), u, id, in)
	}
	if err != nil {
		s.meetingFormError(w, r, u, f, idString(id), in.Version, err)
		return
	}
	s.redirectWithFlash(w, r, meetingPath(id), "meeting_saved")
}

// meetingAction runs one action of a meeting's page from its form and
// comes back to the page with a flash, or shows the page again with the
// errors of a refused form.
func (s *Server) meetingAction(do func(r *http.Request, u *passerelle.User, id int64) (flash string, err error), keep func(r *http.Request, d *view.MeetingData)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		u := s.signedIn(w, r)
		if u == nil {
			return
		}
		id, err := meetingID(r)
		if err != nil {
			s.errorPage(w, r, err)
			return
		}
		if err := parseForm(w, r, maxPracticeForm); err != nil {
			s.errorPage(w, r, err)
			return
		}
		flash, err := do(r, u, id)
		if err == nil {
			s.redirectWithFlash(w, r, meetingPath(id), flash)
			return
		}
		if passerelle.ErrorCode(err) != passerelle.EValidation {
			s.errorPage(w, r, err)
			return
		}
		data := &view.MeetingData{Errors: formErrors(s.tr(r), err)}
		if keep != nil {
			keep(r, data)
		}
		s.showMeeting(w, r, http.StatusBadRequest, id, data)
	}
}

func (s *Server) registerPage(w http.ResponseWriter, r *http.Request) {
	s.meetingAction(func(r *http.Request, u *passerelle.User, id int64) (string, error) {
		reg, err := s.svc.Register(r.Context(), u, id)
		if err != nil {
			return "", err
		}
		if reg.Status == passerelle.RegistrationWaiting {
			return "waiting", nil
		}
		return "registered", nil
	}, nil)(w, r)
}

func (s *Server) unregisterPage(w http.ResponseWriter, r *http.Request) {
	s.meetingAction(func(r *http.Request, u *passerelle.User, id int64) (string, error) {
		_, err := s.svc.Unregister(r.Context(), u, id)
		return "unregistered", err
	}, nil)(w, r)
}

func (s *Server) cancelMeetingPage(w http.ResponseWriter, r *http.Request) {
	s.meetingAction(func(r *http.Request, u *passerelle.User, id int64) (string, error) {
		_, err := s.svc.CancelMeeting(r.Context(), u, id, r.PostForm.Get("reason"))
		return "meeting_cancelled", err
	}, func(r *http.Request, d *view.MeetingData) { d.Form.Reason = r.PostForm.Get("reason") })(w, r)
}

func (s *Server) holdMeetingPage(w http.ResponseWriter, r *http.Request) {
	s.meetingAction(func(r *http.Request, u *passerelle.User, id int64) (string, error) {
		_, err := s.svc.HoldMeeting(r.Context(), u, id)
		return "meeting_held", err
	}, nil)(w, r)
}

// practiceRef reads a practice named by its number or the address of its
// page ("https://…/fiches/12" or "/fiches/12").
func practiceRef(s string) int64 {
	s = strings.TrimSpace(s)
	if i := strings.LastIndex(s, "/fiches/"); i >= 0 {
		s = s[i+len("/fiches/"):]
	}
	s = strings.Trim(strings.TrimPrefix(s, "#"), "/ ")
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return -1
	}
	return n
}

func (s *Server) addToAgendaPage(w http.ResponseWriter, r *http.Request) {
	s.meetingAction(func(r *http.Request, u *passerelle.User, id int64) (string, error) {
		ref := practiceRef(r.PostForm.Get("practice_id"))
		if ref < 0 {
			return "", &passerelle.Error{Code: passerelle.EValidation, Message: "Unknown practice.", Fields: map[string]string{"practice_id": passerelle.FieldInvalid}}
		}
		it, err := s.svc.AddToAgenda(r.Context(), u, id, service.AgendaInput{PracticeID: ref, Speaker: r.PostForm.Get("speaker"),
			StartsAt: r.PostForm.Get("starts_at"), Comment: r.PostForm.Get("comment")})
		if err != nil {
			return "", err
		}
		if it.Status == passerelle.AgendaProposed {
			return "agenda_proposed", nil
		}
		return "agenda_added", nil
	}, func(r *http.Request, d *view.MeetingData) {
		d.Form.Practice, d.Form.Speaker, d.Form.StartsAt, d.Form.Comment = r.PostForm.Get("practice_id"), r.PostForm.Get("speaker"),
			r.PostForm.Get("starts_at"), r.PostForm.Get("comment")
	})(w, r)
}

func (s *Server) decideAgendaPage(w http.ResponseWriter, r *http.Request) {
	s.meetingAction(func(r *http.Request, u *passerelle.User, id int64) (string, error) {
		item, err := subID(r, "item", "Agenda item")
		if err != nil {
			return "", err
		}
		d := service.AgendaDecision{Decision: r.PostForm.Get("decision"), Comment: r.PostForm.Get("comment")}
		if _, err := s.svc.DecideAgendaItem(r.Context(), u, id, item, d); err != nil {
			return "", err
		}
		if d.Decision == "decline" {
			return "agenda_declined", nil
		}
		return "agenda_accepted", nil
	}, func(r *http.Request, d *view.MeetingData) { d.Form.Reason = r.PostForm.Get("comment") })(w, r)
}

func (s *Server) removeFromAgendaPage(w http.ResponseWriter, r *http.Request) {
	s.meetingAction(func(r *http.Request, u *passerelle.User, id int64) (string, error) {
		item, err := subID(r, "item", "Agenda item")
		if err != nil {
			return "", err
		}
		return "agenda_removed", s.svc.RemoveFromAgenda(r.Context(), u, id, item)
	}, nil)(w, r)
}

// attendancePage lists the registrations of a meeting for its organisers,
// with the CSV to download and, once it has started, who came.
func (s *Server) attendancePage(w http.ResponseWriter, r *http.Request) {
	s.showAttendance(w, r, http.StatusOK, nil)
}

func (s *Server) showAttendance(w http.ResponseWriter, r *http.Request, status int, errs []view.FormError) {
	u := s.signedIn(w, r)
	if u == nil {
		return
	}
	id, err := meetingID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	m, regs, err := s.svc.Registrations(r.Context(), u, id)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	snap, err := s.svc.Snapshot(r.Context())
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	data := &view.AttendanceData{Meeting: s.meetingCard(snap, s.lang(r), m, nil), CSVURL: meetingPath(id) + "/presences.csv", Errors: errs,
		CanMark: s.svc.MeetingAbilities(r.Context(), u, m)[passerelle.MeetingAttendance]}
	for _, reg := range regs {
		v := view.RegistrationView{UserID: idString(reg.UserID), Name: reg.UserName, Email: reg.UserEmail, Status: string(reg.Status),
			Rank: reg.WaitingRank, RegisteredAt: reg.RegisteredAt}
		if reg.Attended != nil {
			v.Attended = "no"
			if *reg.Attended {
				v.Attended = "yes"
			}
		}
		data.Items = append(data.Items, v)
	}
	s.render(w, r, status, "meeting_attendance", &view.Page{Title: s.tr(r).T("meetings.attendance.title", "title", m.Title), Data: data})
}

// markAttendancePage saves who came: one radio group per seat ("yes", "no",
// or "" for unknown), named "attended-<user id>".
func (s *Server) markAttendancePage(w http.ResponseWriter, r *http.Request) {
	u := s.signedIn(w, r)
	if u == nil {
		return
	}
	id, err := meetingID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	if err := parseForm(w, r, maxSmallForm); err != nil {
		s.errorPage(w, r, err)
		return
	}
	var marks []service.Attendance
	for name, vals := range r.PostForm {
		raw, ok := strings.CutPrefix(name, "attended-")
		if !ok || len(vals) == 0 {
			continue
		}
		uid, err := strconv.ParseInt(raw, 10, 64)
		if err != nil {
			continue
		}
		var came *bool
		switch vals[0] {
		case "yes":
			came = new(bool)
			*came = true
		case "no":
			came = new(bool)
		}
		marks = append(marks, service.Attendance{UserID: uid, Attended: came})
	}
	if err := s.svc.SetAttendance(r.Context(), u, id, marks); err != nil {
		if passerelle.ErrorCode(err) == passerelle.EValidation {
			s.showAttendance(w, r, http.StatusBadRequest, formErrors(s.tr(r), err))
			return
		}
		s.errorPage(w, r, err)
		return
	}
	s.redirectWithFlash(w, r, meetingPath(id)+"/presences", "attendance_saved")
}

// recordPage is the form of the record, with the meeting's files.
func (s *Server) recordPage(w http.ResponseWriter, r *http.Request) {
	s.showRecord(w, r, http.StatusOK, nil, nil)
}

func (s *Server) showRecord(w http.ResponseWriter, r *http.Request, status int, typed *string, errs []view.FormError) {
	u := s.signedIn(w, r)
	if u == nil {
		return
	}
	id, err := meetingID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	ctx := r.Context()
	m, err := s.svc.Meeting(ctx, id)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	can := s.svc.MeetingAbilities(ctx, u, m)
	if !can[passerelle.MeetingRecord] && !can[passerelle.MeetingAttach] {
		s.errorPage(w, r, passerelle.Errorf(passerelle.EForbidden, "Only the organisers write the record."))
		return
	}
	snap, err := s.svc.Snapshot(ctx)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	files, err := s.svc.MeetingAttachments(ctx, id)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	tr, lang := s.tr(r), s.lang(r)
	data := &view.RecordFormData{Meeting: s.meetingCard(snap, lang, m, nil), Record: m.Record, Published: m.RecordPublished(),
		Files: s.meetingFileViews(tr, lang, id, files, can[passerelle.MeetingAttach]), CanAttach: can[passerelle.MeetingAttach],
		MaxSize: sizeText(tr, lang, s.svc.AttachmentSizeLimit()), Errors: errs}
	if typed != nil {
		data.Record = *typed
	}
	if !can[passerelle.MeetingRecord] {
		data.Errors = append(data.Errors, view.FormError{Message: tr.T("meetings.record.not_yet")})
	}
	s.render(w, r, status, "meeting_record", &view.Page{Title: tr.T("meetings.record.title", "title", m.Title), Data: data})
}

func (s *Server) publishRecordPage(w http.ResponseWriter, r *http.Request) {
	u := s.signedIn(w, r)
	if u == nil {
		return
	}
	id, err := meetingID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	if err := parseForm(w, r, maxPracticeForm); err != nil {
		s.errorPage(w, r, err)
		return
	}
	record := strings.ReplaceAll(r.PostForm.Get("record"), "\r\n", "\n")
	if _, err := s.svc.PublishRecord(r.Context(), u, id, record); err != nil {
		if passerelle.ErrorCode(err) == passerelle.EValidation {
			s.showRecord(w, r, http.StatusBadRequest, &record, formErrors(s.tr(r), err))
			return
		}
		s.errorPage(w, r, err)
		return
	}
	s.redirectWithFlash(w, r, meetingPath(id)+"#compte-rendu", "record_published")
}

func (s *Server) uploadMeetingFilePage(w http.ResponseWriter, r *http.Request) {
	u := s.signedIn(w, r)
	if u == nil {
		return
	}
	id, err := meetingID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	err = s.readUpload(w, r, func(name string, body io.Reader) error {
		_, err := s.svc.AddMeetingAttachment(r.Context(), u, id, name, body)
		return err
	})
	if err != nil {
		switch passerelle.ErrorCode(err) {
		case passerelle.EValidation, passerelle.EUnsupported, passerelle.ETooLarge, passerelle.EConflict:
			tr := s.tr(r)
			msg := view.FormError{Field: "file", Message: tr.T("meetings.files.error." + passerelle.ErrorCode(err))}
			if e := (*passerelle.Error)(nil); errors.As(err, &e) && e.Fields["file"] == passerelle.FieldQuota {
				msg.Message = tr.T("upload.error.quota", "quota", sizeText(tr, s.lang(r), s.svc.StorageQuota()))
			}
			s.showRecord(w, r, statusOf[passerelle.ErrorCode(err)], nil, []view.FormError{msg})
		default:
			s.errorPage(w, r, err)
		}
		return
	}
	s.redirectWithFlash(w, r, meetingPath(id)+"/compte-rendu", "file_added")
}

func (s *Server) deleteMeetingFilePage(w http.ResponseWriter, r *http.Request) {
	u := s.signedIn(w, r)
	if u == nil {
		return
	}
	id, err := meetingID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	fid, err := subID(r, "file", "Attachment")
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	if err := s.svc.RemoveMeetingAttachment(r.Context(), u, id, fid); err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.redirectWithFlash(w, r, meetingPath(id)+"/compte-rendu", "file_removed")
}

// practiceMeetings fills the meetings where a practice was presented, for
// its page.
func (s *Server) practiceMeetings(ctx context.Context, r *http.Request, actor *passerelle.User, p *passerelle.Practice, data *view.PracticeData) error {
	pres, err := s.svc.PracticeMeetings(ctx, actor, p.ID)
	if err != nil || len(pres) == 0 {
		return err
	}
	snap, err := s.svc.Snapshot(ctx)
	if err != nil {
		return err
	}
	for _, pr := range pres {
		data.Presentations = append(data.Presentations, view.PresentationView{Meeting: s.meetingCard(snap, s.lang(r), pr.Meeting, nil),
			Speaker: pr.Item.Speaker})
	}
	return nil
}

// searchMeetingsShown is the number of meetings the search page shows
// beside the practices.
const searchMeetingsShown = 5

// searchMeetings returns the meetings matching the search page's words,
// territory and theme, best match first: the record of a meeting is found
// like a sheet.
func (s *Server) searchMeetings(r *http.Request, snap *authz.Snapshot, form view.SearchForm) ([]view.MeetingCard, error) {
	list, err := s.svc.Meetings(r.Context(), service.MeetingQuery{Q: form.Q, Territory: form.Territory, Theme: form.Theme,
		PerPage: searchMeetingsShown})
	if passerelle.ErrorCode(err) == passerelle.EInvalid {
		return nil, nil
	} else if err != nil {
		return nil, err
	}
	out := make([]view.MeetingCard, len(list.Items))
	for i, m := range list.Items {
		out[i] = s.meetingCard(snap, s.lang(r), m, nil)
	}
	return out, nil
}
