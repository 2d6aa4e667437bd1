package web

import (
	"bytes"
	"encoding/json"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/passerelle/passerelle/internal/jobs"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
)

// meetingID reads the {id} of a meeting route.
func meetingID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, passerelle.Errorf(passerelle.ENotFound, "Meeting not found.")
	}
	return id, nil
}

// subID reads another numeric parameter of a route.
func subID(r *http.Request, name, what string) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, name), 10, 64)
	if err != nil || id <= 0 {
		return 0, passerelle.Errorf(passerelle.ENotFound, "%s not found.", what)
	}
	return id, nil
}

// meetingJSON is the API's shape of a meeting.
type meetingJSON struct {
	ID                   string            `json:"id"`
	URL                  string            `json:"url"`
	ICSURL               string            `json:"ics_url"`
	Title                string            `json:"title"`
	Territory            string            `json:"territory"`
	Themes               []string          `json:"themes"`
	Description          string            `json:"description"`
	StartsAt             time.Time         `json:"starts_at"`
	EndsAt               time.Time         `json:"ends_at"`
	Place                string            `json:"place"`
	OnlineURL            string            `json:"online_url"`
	Capacity             int               `json:"capacity"`
	RegistrationDeadline *time.Time        `json:"registration_deadline"`
	Status               string            `json:"status"`
	CancelReason         string            `json:"cancel_reason,omitempty"`
	Organizer            personJSON        `json:"organizer"`
	Registered           int               `json:"registered"`
	Waiting              int               `json:"waiting"`
	SeatsLeft            *int              `json:"seats_left"`
	Version              int               `json:"version"`
	Sequence             int               `json:"sequence"`
	Record               *string           `json:"record"`
	RecordPublishedAt    *time.Time        `json:"record_published_at"`
	CreatedAt            time.Time         `json:"created_at"`
	UpdatedAt            time.Time         `json:"updated_at"`
	Agenda               *[]agendaItemJSON `json:"agenda,omitempty"`
	Attachments          *[]attachmentJSON `json:"attachments,omitempty"`
	MyRegistration       *registrationJSON `json:"my_registration,omitempty"`
}

func (s *Server) meetingURL(id int64) string { return jobs.MeetingURL(s.opts.BaseURL, id) }

func (s *Server) meetingJSON(m *passerelle.Meeting) meetingJSON {
	out := meetingJSON{ID: idString(m.ID), URL: s.meetingURL(m.ID), ICSURL: s.meetingURL(m.ID) + ".ics", Title: m.Title,
		Territory: m.TerritoryCode, Themes: nonNil(m.Themes), Description: m.Description, StartsAt: m.StartsAt, EndsAt: m.EndsAt,
		Place: m.Place, OnlineURL: m.OnlineURL, Capacity: m.Capacity, RegistrationDeadline: m.RegistrationDeadline,
		Status: string(m.Status), CancelReason: m.CancelReason, Organizer: personJSON{ID: idString(m.OrganizerID), Name: m.OrganizerName},
		Registered: m.Registered, Waiting: m.Waiting, Version: m.Version, Sequence: m.Sequence,
		RecordPublishedAt: m.RecordPublishedAt, CreatedAt: m.CreatedAt, UpdatedAt: m.UpdatedAt}
	if m.Capacity > 0 {
		left := max(0, m.Capacity-m.Registered)
		out.SeatsLeft = &left
	}
	if m.RecordPublished() {
		out.Record = &m.Record
	}
	return out
}

type registrationJSON struct {
	User         personJSON `json:"user"`
	Email        string     `json:"email,omitempty"`
	Status       string     `json:"status"`
	Position     *int       `json:"position,omitempty"`
	Attended     *bool      `json:"attended"`
	RegisteredAt time.Time  `json:"registered_at"`
}

func registrationToJSON(reg *passerelle.Registration, withEmail bool) registrationJSON {
	out := registrationJSON{User: personJSON{ID: idString(reg.UserID), Name: reg.UserName}, Status: string(reg.Status),
		Attended: reg.Attended, RegisteredAt: reg.RegisteredAt}
	if reg.Status == passerelle.RegistrationWaiting {
		rank := reg.WaitingRank
		out.Position = &rank
	}
	if withEmail {
		out.Email = reg.UserEmail
	}
	return out
}

type agendaItemJSON struct {
	ID         string `json:"id"`
	PracticeID string `json:"practice_id"`
	Practice   struct {
		ID        string `json:"id"`
		Title     string `json:"title"`
		Territory string `json:"territory"`
		Kind      string `json:"kind"`
		URL       string `json:"url"`
	} `json:"practice"`
	Position   int        `json:"position"`
	Speaker    string     `json:"speaker"`
	StartsAt   *time.Time `json:"starts_at"`
	Status     string     `json:"status"`
	ProposedBy personJSON `json:"proposed_by"`
	Comment    string     `json:"comment,omitempty"`
	DecidedAt  *time.Time `json:"decided_at"`
}

func (s *Server) agendaItemJSON(it passerelle.AgendaItem) agendaItemJSON {
	out := agendaItemJSON{ID: idString(it.ID), PracticeID: idString(it.PracticeID), Position: it.Position, Speaker: it.Speaker,
		StartsAt: it.StartsAt, Status: string(it.Status), ProposedBy: personJSON{ID: idString(it.ProposedBy), Name: it.ProposedByName},
		Comment: it.Comment, DecidedAt: it.DecidedAt}
	out.Practice.ID, out.Practice.Title, out.Practice.Territory = idString(it.PracticeID), it.PracticeTitle, it.PracticeTerritory
	out.Practice.Kind, out.Practice.URL = string(it.PracticeKind), jobs.PracticeURL(s.opts.BaseURL, it.PracticeID)
	return out
}

func (s *Server) meetingFileURL(meetingID, id int64) string {
	return s.meetingURL(meetingID) + "/fichiers/" + idString(id)
}

func (s *Server) meetingFilesJSON(items []passerelle.Attachment) []attachmentJSON {
	out := make([]attachmentJSON, len(items))
	for i, a := range items {
		out[i] = attachmentJSON{ID: idString(a.ID), Name: a.Name, Size: a.Size, ContentType: a.ContentType,
			URL: s.meetingFileURL(a.MeetingID, a.ID), CreatedAt: a.CreatedAt}
	}
	return out
}

// meetingRequest is the body of a creation or an edit; fields left out are
// left as they are, and the read-only fields of a meeting's JSON are
// accepted and ignored, so that a client may send back what it read.
type meetingRequest struct {
	Title                *string   `json:"title"`
	Territory            *string   `json:"territory"`
	Themes               *[]string `json:"themes"`
	Description          *string   `json:"description"`
	StartsAt             *string   `json:"starts_at"`
	EndsAt               *string   `json:"ends_at"`
	Place                *string   `json:"place"`
	OnlineURL            *string   `json:"online_url"`
	Capacity             *int      `json:"capacity"`
	RegistrationDeadline *string   `json:"registration_deadline"`
	Version              *int      `json:"version"`

	ID                json.RawMessage `json:"id"`
	URL               json.RawMessage `json:"url"`
	ICSURL            json.RawMessage `json:"ics_url"`
	Status            json.RawMessage `json:"status"`
	CancelReason      json.RawMessage `json:"cancel_reason"`
	Organizer         json.RawMessage `json:"organizer"`
	Registered        json.RawMessage `json:"registered"`
	Waiting           json.RawMessage `json:"waiting"`
	SeatsLeft         json.RawMessage `json:"seats_left"`
	Sequence          json.RawMessage `json:"sequence"`
	Record            json.RawMessage `json:"record"`
	RecordPublishedAt json.RawMessage `json:"record_published_at"`
	CreatedAt         json.RawMessage `json:"created_at"`
	UpdatedAt         json.RawMessage `json:"updated_at"`
	Agenda            json.RawMessage `json:"agenda"`
	Attachments       json.RawMessage `json:"attachments"`
	MyRegistration    json.RawMessage `json:"my_registration"`
}

func (req *meetingRequest) input() service.MeetingInput {
	in := service.MeetingInput{Title: req.Title, Territory: req.Territory, Themes: req.Themes, Description: req.Description,
		StartsAt: req.StartsAt, EndsAt: req.EndsAt, Place: req.Place, OnlineURL: req.OnlineURL, Capacity: req.Capacity,
		RegistrationDeadline: req.RegistrationDeadline}
	if req.Version != nil {
		in.Version = *req.Version
	}
	return in
}

// apiListMeetings lists meetings: ?territory= (with everything below it),
// ?theme=, ?when=upcoming|past, ?q= (words, best match first), ?page=.
func (s *Server) apiListMeetings(w http.ResponseWriter, r *http.Request) {
	if err := knownParams(r, "territory", "theme", "when", "q", "page"); err != nil {
		s.apiError(w, r, err)
		return
	}
	q := r.URL.Query()
	list, err := s.svc.Meetings(r.Context(), service.MeetingQuery{Territory: q.Get("territory"), Theme: q.Get("theme"),
		When: q.Get("when"), Q: q.Get("q"), Page: q.Get("page")})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	items := make([]meetingJSON, len(list.Items))
	for i, m := range list.Items {
		items[i] = s.meetingJSON(m)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items, "total": list.Total, "page": list.Page, "per_page": list.PerPage})
}

func (s *Server) apiCreateMeeting(w http.ResponseWriter, r *http.Request) {
	var req meetingRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.apiError(w, r, err)
		return
	}
	m, err := s.svc.CreateMeeting(r.Context(), userFrom(r.Context()), req.input())
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/meetings/"+idString(m.ID))
	w.Header().Set("ETag", strconv.Quote(strconv.Itoa(m.Version)))
	writeJSON(w, http.StatusCreated, s.meetingJSON(m))
}

// fullMeetingJSON is a meeting with its agenda (as the caller may see it),
// its files and the caller's registration.
func (s *Server) fullMeetingJSON(r *http.Request, m *passerelle.Meeting) (meetingJSON, error) {
	ctx, actor := r.Context(), userFrom(r.Context())
	out := s.meetingJSON(m)
	agenda, err := s.svc.Agenda(ctx, actor, m.ID)
	if err != nil {
		return out, err
	}
	items := make([]agendaItemJSON, len(agenda))
	for i, it := range agenda {
		items[i] = s.agendaItemJSON(it)
	}
	out.Agenda = &items
	files, err := s.svc.MeetingAttachments(ctx, m.ID)
	if err != nil {
		return out, err
	}
	fj := s.meetingFilesJSON(files)
	out.Attachments = &fj
	if reg, err := s.svc.MyRegistration(ctx, actor, m.ID); err != nil {
		return out, err
	} else if reg != nil {
		rj := registrationToJSON(reg, false)
		out.MyRegistration = &rj
	}
	return out, nil
}

func (s *Server) apiGetMeeting(w http.ResponseWriter, r *http.Request) {
	id, err := meetingID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	m, err := s.svc.Meeting(r.Context(), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out, err := s.fullMeetingJSON(r, m)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("ETag", strconv.Quote(strconv.Itoa(m.Version)))
	writeJSON(w, http.StatusOK, out)
}

// ifMatch reads a version from If-Match ("3" or W/"3"); 0 when absent.
func ifMatch(r *http.Request) (int, error) {
	m := r.Header.Get("If-Match")
	if m == "" {
		return 0, nil
	}
	v, err := strconv.Atoi(strings.Trim(strings.TrimPrefix(m, "W/"), `"`))
	if err != nil {
		return 0, &passerelle.Error{Code: passerelle.EInvalid, Message: "Bad If-Match header.", Fields: map[string]string{"If-Match": passerelle.FieldInvalid}}
	}
	return v, nil
}

func (s *Server) apiUpdateMeeting(w http.ResponseWriter, r *http.Request) {
	id, err := meetingID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var req meetingRequest
	if err := decodeJSON(w, r, &req); err != nil {
		s.apiError(w, r, err)
		return
	}
	in := req.input()
	fromHeader := false
	if in.Version == 0 {
		if in.Version, err = ifMatch(r); err != nil {
			s.apiError(w, r, err)
			return
		}
		fromHeader = in.Version != 0
	}
	m, err := s.svc.UpdateMeeting(r.Context(), userFrom(r.Context()), id, in)
	if err != nil {
		if e, ok := staleVersion(err, fromHeader); ok {
			// A stale edit: answer with the meeting as it is now, so that
			// the client merges instead of overwriting.
			if cur, gerr := s.svc.Meeting(r.Context(), id); gerr == nil {
				writeJSON(w, statusOf[e.Code], map[string]any{"error": errorJSON{Code: e.Code, Message: e.Message, Fields: e.Fields},
					"current": s.meetingJSON(cur)})
				return
			}
			err = e
		}
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("ETag", strconv.Quote(strconv.Itoa(m.Version)))
	writeJSON(w, http.StatusOK, s.meetingJSON(m))
}

type meetingMoveRequest struct {
	Reason string `json:"reason"`
	Record string `json:"record"`
}

// apiMeetingMove wraps a change of a meeting's state: an optional JSON
// body, then the meeting as it now is.
func (s *Server) apiMeetingMove(do func(s *Server, r *http.Request, id int64, body meetingMoveRequest) (*passerelle.Meeting, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		id, err := meetingID(r)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		var body meetingMoveRequest
		if r.ContentLength != 0 {
			if err := decodeJSON(w, r, &body); err != nil {
				s.apiError(w, r, err)
				return
			}
		}
		m, err := do(s, r, id, body)
		if err != nil {
			s.apiError(w, r, err)
			return
		}
		w.Header().Set("ETag", strconv.Quote(strconv.Itoa(m.Version)))
		writeJSON(w, http.StatusOK, s.meetingJSON(m))
	}
}

// apiRegister registers the caller: 201 with a seat, 202 with
// "status":"waiting" and the position on the waiting list when full.
func (s *Server) apiRegister(w http.ResponseWriter, r *http.Request) {
	id, err := meetingID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	reg, err := s.svc.Register(r.Context(), userFrom(r.Context()), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	status := http.StatusCreated
	if reg.Status == passerelle.RegistrationWaiting {
		status = http.StatusAccepted
	}
	writeJSON(w, status, registrationToJSON(reg, false))
}

func (s *Server) apiUnregister(w http.ResponseWriter, r *http.Request) {
	id, err := meetingID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	reg, err := s.svc.Unregister(r.Context(), userFrom(r.Context()), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, registrationToJSON(reg, false))
}

// apiRegistrations lists the registrations of a meeting to its organisers.
func (s *Server) apiRegistrations(w http.ResponseWriter, r *http.Request) {
	id, err := meetingID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	_, regs, err := s.svc.Registrations(r.Context(), userFrom(r.Context()), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	items := make([]registrationJSON, len(regs))
	for i := range regs {
		items[i] = registrationToJSON(&regs[i], true)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// apiAttendance marks who came: {"items":[{"user_id":"…","attended":true|false|null}]}.
func (s *Server) apiAttendance(w http.ResponseWriter, r *http.Request) {
	id, err := meetingID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var body struct {
		Items []struct {
			UserID   flexID `json:"user_id"`
			Attended *bool  `json:"attended"`
		} `json:"items"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		s.apiError(w, r, err)
		return
	}
	marks := make([]service.Attendance, len(body.Items))
	for i, it := range body.Items {
		marks[i] = service.Attendance{UserID: int64(it.UserID), Attended: it.Attended}
	}
	if err := s.svc.SetAttendance(r.Context(), userFrom(r.Context()), id, marks); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// flexID reads an id given as a JSON string ("12", as the API writes ids)
// or a number.
type flexID int64

// UnmarshalJSON implements json.Unmarshaler.
func (f *flexID) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "null" || s == "" {
		*f = 0
		return nil
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 {
		return &json.UnmarshalTypeError{Value: string(b), Type: nil}
	}
	*f = flexID(n)
	return nil
}

func (s *Server) apiAgenda(w http.ResponseWriter, r *http.Request) {
	id, err := meetingID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	agenda, err := s.svc.Agenda(r.Context(), userFrom(r.Context()), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	items := make([]agendaItemJSON, len(agenda))
	for i, it := range agenda {
		items[i] = s.agendaItemJSON(it)
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": items})
}

// apiAddToAgenda puts a practice on the agenda (an organiser) or proposes
// it (its author): {"practice_id","speaker","starts_at","position","comment"}
// → 201 with the item, "status" accepted or proposed.
func (s *Server) apiAddToAgenda(w http.ResponseWriter, r *http.Request) {
	id, err := meetingID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var body struct {
		PracticeID flexID `json:"practice_id"`
		Speaker    string `json:"speaker"`
		StartsAt   string `json:"starts_at"`
		Position   int    `json:"position"`
		Comment    string `json:"comment"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		s.apiError(w, r, err)
		return
	}
	it, err := s.svc.AddToAgenda(r.Context(), userFrom(r.Context()), id, service.AgendaInput{PracticeID: int64(body.PracticeID),
		Speaker: body.Speaker, StartsAt: body.StartsAt, Position: body.Position, Comment: body.Comment})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.agendaItemJSON(*it))
}

// apiDecideAgenda answers a proposal: {"decision":"accept"|"decline","comment","speaker","starts_at"}.
func (s *Server) apiDecideAgenda(w http.ResponseWriter, r *http.Request) {
	id, err := meetingID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	item, err := subID(r, "item", "Agenda item")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var body struct {
		Decision string `json:"decision"`
		Comment  string `json:"comment"`
		Speaker  string `json:"speaker"`
		StartsAt string `json:"starts_at"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		s.apiError(w, r, err)
		return
	}
	it, err := s.svc.DecideAgendaItem(r.Context(), userFrom(r.Context()), id, item, service.AgendaDecision{Decision: body.Decision,
		Comment: body.Comment, Speaker: body.Speaker, StartsAt: body.StartsAt})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, s.agendaItemJSON(*it))
}

func (s *Server) apiRemoveFromAgenda(w http.ResponseWriter, r *http.Request) {
	id, err := meetingID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	item, err := subID(r, "item", "Agenda item")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if err := s.svc.RemoveFromAgenda(r.Context(), userFrom(r.Context()), id, item); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiUploadMeetingFile(w http.ResponseWriter, r *http.Request) {
	id, err := meetingID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	actor := userFrom(r.Context())
	if actor == nil {
		s.apiError(w, r, service.SignInNeeded())
		return
	}
	var a *passerelle.Attachment
	err = s.readUpload(w, r, func(name string, body io.Reader) error {
		a, err = s.svc.AddMeetingAttachment(r.Context(), actor, id, name, body)
		return err
	})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, s.meetingFilesJSON([]passerelle.Attachment{*a})[0])
}

// downloadMeetingFile sends a file of a meeting, always as a download, like
// the attachments of practices.
func (s *Server) downloadMeetingFile(w http.ResponseWriter, r *http.Request) {
	id, err := meetingID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	fid, err := subID(r, "file", "Attachment")
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, body, err := s.svc.OpenMeetingAttachment(r.Context(), id, fid)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	defer func() { _ = body.Close() }()
	h := w.Header()
	h.Set("Content-Type", a.ContentType)
	disposition := mime.FormatMediaType("attachment", map[string]string{"filename": a.Name})
	if disposition == "" {
		disposition = "attachment"
	}
	h.Set("Content-Disposition", disposition)
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	h.Set("Cache-Control", "public, max-age=300")
	http.ServeContent(w, r, "", a.CreatedAt, body)
}

func (s *Server) apiDeleteMeetingFile(w http.ResponseWriter, r *http.Request) {
	id, err := meetingID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	fid, err := subID(r, "file", "Attachment")
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	if err := s.svc.RemoveMeetingAttachment(r.Context(), userFrom(r.Context()), id, fid); err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// apiPracticeMeetings lists the meetings where a practice was presented.
func (s *Server) apiPracticeMeetings(w http.ResponseWriter, r *http.Request) {
	practiceList(s, s.svc.PracticeMeetings, func(_ *http.Request, p service.Presentation) any {
		return map[string]any{"meeting": s.meetingJSON(p.Meeting), "speaker": p.Item.Speaker, "starts_at": p.Item.StartsAt}
	})(w, r)
}

// attendanceCSV is the attendance list of a meeting for its organisers, as
// a spreadsheet opens it: UTF-8 with a byte order mark, semicolons (the
// French Excel's separator), one row per registration.
func (s *Server) attendanceCSV(w http.ResponseWriter, r *http.Request) {
	id, err := meetingID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	m, regs, err := s.svc.Registrations(r.Context(), userFrom(r.Context()), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var buf bytes.Buffer
	if err := writeAttendance(&buf, s.tr(r), m, regs); err != nil {
		s.fail(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/csv; charset=utf-8")
	h.Set("Content-Disposition", mime.FormatMediaType("attachment", map[string]string{"filename": "presences-rencontre-" + idString(m.ID) + ".csv"}))
	h.Set("Cache-Control", "no-store")
	_, _ = w.Write(buf.Bytes())
}

func (s *Server) apiCancelMeeting(w http.ResponseWriter, r *http.Request) {
	s.apiMeetingMove(func(s *Server, r *http.Request, id int64, body meetingMoveRequest) (*passerelle.Meeting, error) {
		return s.svc.CancelMeeting(r.Context(), userFrom(r.Context()), id, body.Reason)
	})(w, r)
}

func (s *Server) apiHoldMeeting(w http.ResponseWriter, r *http.Request) {
	s.apiMeetingMove(func(s *Server, r *http.Request, id int64, _ meetingMoveRequest) (*passerelle.Meeting, error) {
		return s.svc.HoldMeeting(r.Context(), userFrom(r.Context()), id)
	})(w, r)
}

func (s *Server) apiPublishRecord(w http.ResponseWriter, r *http.Request) {
	s.apiMeetingMove(func(s *Server, r *http.Request, id int64, body meetingMoveRequest) (*passerelle.Meeting, error) {
		return s.svc.PublishRecord(r.Context(), userFrom(r.Context()), id, body.Record)
	})(w, r)
}
