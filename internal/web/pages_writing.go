package web

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/view"
)

func init() {
	flashes = append(flashes, "cover", "cover_removed")
}

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

// draftSaved is the answer to a draft saved automatically (writing.js): what
// the form needs to go on — its id, the version to base the next save on,
// where to upload files — and the sentence to show ("Enregistré à 10 h 42").
type draftSaved struct {
	ID        string `json:"id"`
	Version   int    `json:"version"`
	Message   string `json:"message"`
	EditURL   string `json:"edit_url"`
	UploadURL string `json:"upload_url"`
}

// writingError is the answer to a refused autosave, upload or preview: a
// message to show, and the fields at fault with their messages.
type writingError struct {
	Message string            `json:"message"`
	Fields  []writingFieldErr `json:"fields,omitempty"`
	Stale   bool              `json:"stale,omitempty"` // the practice changed elsewhere: stop saving
}

type writingFieldErr struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

// writingFail answers err to writing.js, translated; an internal error is
// logged and never shown.
func (s *Server) writingFail(w http.ResponseWriter, r *http.Request, err error) {
	tr := s.tr(r)
	code := errorCode(err)
	status := statusOf[code]
	if status == 0 || status >= 500 {
		if code != passerelle.EUnavailable {
			s.logger.ErrorContext(r.Context(), "writing", slog.Any("err", err))
		}
		if status == 0 {
			status = http.StatusInternalServerError
		}
		writeJSON(w, status, writingError{Message: tr.T("writing.error.server")})
		return
	}
	body := writingError{Message: tr.T("error.code." + code)}
	var e *passerelle.Error
	if errors.As(err, &e) && e.Code == passerelle.EConflict && e.Fields["version"] == "stale" {
		body.Message, body.Stale = tr.T("writing.error.stale"), true
	} else if code == passerelle.EValidation || code == passerelle.ETooLarge || code == passerelle.EUnsupported {
		for _, fe := range formErrors(tr, err) {
			body.Fields = append(body.Fields, writingFieldErr{Field: fe.Field, Message: fe.Message})
		}
		if len(body.Fields) > 0 {
			body.Message = body.Fields[0].Message
		}
	}
	writeJSON(w, status, body)
}

// clock says the time of day of t for the reader: "10 h 42", "10:42".
func clock(tr *view.Translator, t time.Time) string {
	t = t.In(view.Location)
	return tr.T("writing.clock", "hour", fmt.Sprint(t.Hour()),
		"minute", fmt.Sprintf("%02d", t.Minute()))
}

// autosave saves the practice form of r as a draft — a new one when id is
// 0 — through the same service methods as the form's "save" button, and
// answers JSON (draftSaved or writingError).
func (s *Server) autosave(w http.ResponseWriter, r *http.Request, id int64) {
	u := userFrom(r.Context())
	if u == nil {
		s.writingFail(w, r, service.SignInNeeded())
		return
	}
	if err := parseForm(w, r, maxPracticeForm); err != nil {
		s.writingFail(w, r, err)
		return
	}
	f, version, _ := practiceForm(r)
	var p *passerelle.Practice
	var err error
	if id == 0 {
		p, err = s.svc.CreatePractice(r.Context(), u, practiceInput(f, 0))
	} else {
		p, err = s.svc.UpdatePractice(r.Context(), u, id, practiceInput(f, version))
	}
	if err != nil {
		s.writingFail(w, r, err)
		return
	}
	tr := s.tr(r)
	writeJSON(w, http.StatusOK, draftSaved{ID: idString(p.ID), Version: p.Version,
		Message:   tr.T("writing.autosave.saved", "time", clock(tr, p.UpdatedAt)),
		EditURL:   practiceURL(p.ID) + "/modifier",
		UploadURL: practiceURL(p.ID) + "/pieces-jointes"})
}

// autosaveNewPage saves a new draft as it is being typed.
func (s *Server) autosaveNewPage(w http.ResponseWriter, r *http.Request) { s.autosave(w, r, 0) }

// autosavePage saves a draft as it is being typed.
func (s *Server) autosavePage(w http.ResponseWriter, r *http.Request) {
	id, err := practiceID(r)
	if err != nil {
		s.writingFail(w, r, err)
		return
	}
	s.autosave(w, r, id)
}

// previewPage renders the body of the form as the sheet will show it
// (service.PreviewBody): JSON {"html": …} or a writingError.
func (s *Server) previewPage(w http.ResponseWriter, r *http.Request) {
	if err := parseForm(w, r, maxPracticeForm); err != nil {
		s.writingFail(w, r, err)
		return
	}
	html, err := s.svc.PreviewBody(r.Context(), userFrom(r.Context()), strings.ReplaceAll(r.PostForm.Get("body"), "\r\n", "\n"))
	if err != nil {
		s.writingFail(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"html": html})
}

// wantsJSON tells a request of writing.js (Accept: application/json) from
// a form post.
func wantsJSON(r *http.Request) bool {
	return strings.Contains(r.Header.Get("Accept"), "application/json")
}

// fileAdded is the answer to a file uploaded from the form.
type fileAdded struct {
	view.AttachmentView
	Message   string `json:"message"`
	RemoveURL string `json:"remove_url"`
}

// uploadInForm adds the file of a drop zone's request to the practice
// {id} (service.AddAttachment: the same checks as every upload) and
// answers JSON: 201 fileAdded, or a writingError saying why.
func (s *Server) uploadInForm(w http.ResponseWriter, r *http.Request) {
	u := userFrom(r.Context())
	id, err := practiceID(r)
	if err == nil && u == nil {
		err = service.SignInNeeded()
	}
	var a *passerelle.Attachment
	if err == nil {
		err = s.readUpload(w, r, func(name string, body io.Reader) error {
			var err error
			a, err = s.svc.AddAttachment(r.Context(), u, id, name, body)
			return err
		})
	}
	if err != nil {
		switch errorCode(err) {
		case passerelle.EValidation, passerelle.ETooLarge, passerelle.EUnsupported, passerelle.EConflict, passerelle.EInvalid:
			writeJSON(w, statusFor(err), writingError{Message: s.uploadMessage(r, err)})
		default:
			s.writingFail(w, r, err)
		}
		return
	}
	tr := s.tr(r)
	v := s.attachmentViews(tr, s.lang(r), []passerelle.Attachment{*a})[0]
	writeJSON(w, http.StatusCreated, fileAdded{AttachmentView: v, Message: tr.T("writing.files.added", "name", a.Name),
		RemoveURL: practiceURL(id) + "/pieces-jointes/" + idString(a.ID) + "/supprimer"})
}

// removeInForm removes attachment aid from the form's list
// (service.RemoveAttachment) and answers JSON.
func (s *Server) removeInForm(w http.ResponseWriter, r *http.Request, id, aid int64) {
	deferred, err := s.svc.RemoveAttachmentOf(r.Context(), userFrom(r.Context()), id, aid)
	if err != nil {
		s.writingFail(w, r, err)
		return
	}
	msg := "writing.files.removed"
	if deferred {
		msg = "flash.detached_update"
	}
	writeJSON(w, http.StatusOK, map[string]string{"message": s.tr(r).T(msg)})
}

// writingData adds to the practice form's data the help around it
// (writingAids) and the limits of the files its drop zone takes, known
// before the draft exists.
func (s *Server) writingData(r *http.Request, data *view.PracticeFormData) {
	tr := s.tr(r)
	data.Writing = writingAids(tr, data.Form)
	if data.MaxSize == "" {
		data.MaxSize = sizeText(tr, s.lang(r), s.svc.AttachmentSizeLimit())
		data.MaxFiles = passerelle.MaxAttachments
	}
}

// coverView returns the cover of p as pages show it, or nil.
func coverView(p *passerelle.Practice) *view.CoverView {
	c := p.Cover
	if c == nil {
		return nil
	}
	base := practiceURL(p.ID) + "/couverture/" + service.CoverToken(c) + "/"
	var set []string
	seen := map[int]bool{}
	for _, w := range passerelle.CoverWidths {
		if width, _ := c.Scaled(w); !seen[width] {
			seen[width] = true
			set = append(set, fmt.Sprintf("%s%d.jpg %dw", base, w, width))
		}
	}
	width, height := c.Scaled(640)
	return &view.CoverView{Src: base + "640.jpg", SrcSet: strings.Join(set, ", "), Alt: c.Alt, Width: width, Height: height}
}

// coverImage serves a file of a practice's cover (service.OpenCover: who
// may see the practice). Its address names the picture for good: cached a
// year, by anyone when the practice is published, else by the browser only.
func (s *Server) coverImage(w http.ResponseWriter, r *http.Request) {
	id, err := practiceID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	width, _ := strconv.Atoi(chi.URLParam(r, "width"))
	f, published, err := s.svc.OpenCover(r.Context(), userFrom(r.Context()), id, chi.URLParam(r, "key"), width)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	defer func() { _ = f.Close() }()
	h := w.Header()
	h.Set("Content-Type", "image/jpeg")
	h.Set("Content-Length", strconv.FormatInt(f.Size(), 10))
	h.Set("X-Content-Type-Options", "nosniff")
	if published {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "private, max-age=31536000, immutable")
	}
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		_, _ = io.Copy(w, f)
	}
}

// maxCoverAlt bounds the alternative text's part of a cover upload.
const maxCoverAltBytes = 4 << 10

// uploadCoverPage sets the cover of a practice from the cover form: its
// fields "cover_alt" then "file" (service.SetCover). writing.js sends it
// (Accept: application/json) and gets JSON; without JavaScript the edit page
// comes back, with the reason of a refusal.
func (s *Server) uploadCoverPage(w http.ResponseWriter, r *http.Request) {
	id, err := practiceID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	u := userFrom(r.Context())
	var p *passerelle.Practice
	alt := ""
	err = s.readParts(w, r, func(name string, part io.Reader) (bool, error) {
		switch name {
		case "cover_alt":
			b, err := io.ReadAll(io.LimitReader(part, maxCoverAltBytes))
			alt = strings.ReplaceAll(string(b), "\r\n", "\n")
			return false, err
		case "file":
			var err error
			p, err = s.svc.SetCover(r.Context(), u, id, alt, part)
			return true, err
		}
		return false, nil
	})
	if err == nil && p == nil {
		err = &passerelle.Error{Code: passerelle.EValidation, Message: "Choose a picture.", Fields: map[string]string{"cover": passerelle.FieldRequired}}
	}
	if wantsJSON(r) {
		if err != nil {
			s.writingFail(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, map[string]any{"cover": coverView(p), "message": s.tr(r).T("writing.cover.saved")})
		return
	}
	edit := practiceURL(id) + "/modifier"
	switch code := errorCode(err); code {
	case "":
		s.redirectWithFlash(w, r, edit+"#couverture", "cover")
	case passerelle.EValidation, passerelle.ETooLarge, passerelle.EUnsupported, passerelle.EInvalid:
		cur, perr := s.svc.Practice(r.Context(), u, id)
		if perr != nil {
			s.errorPage(w, r, perr)
			return
		}
		s.showPracticeForm(w, r, statusOf[code], u, idString(id), cur.Version, formOf(cur), formErrors(s.tr(r), err), "")
	default:
		s.errorPage(w, r, err)
	}
}

// removeCoverPage takes the cover away (service.RemoveCover).
func (s *Server) removeCoverPage(w http.ResponseWriter, r *http.Request) {
	id, err := practiceID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	if err := parseForm(w, r, maxSmallForm); err != nil {
		s.errorPage(w, r, err)
		return
	}
	err = s.svc.RemoveCover(r.Context(), userFrom(r.Context()), id)
	flash := "cover_removed"
	if err == nil {
		// An update's removal waits for its approval: say so.
		if p, perr := s.svc.Practice(r.Context(), userFrom(r.Context()), id); perr == nil && p.IsUpdate() {
			flash = "cover_removed_update"
		}
	}
	if wantsJSON(r) {
		if err != nil {
			s.writingFail(w, r, err)
			return
		}
		msg := "writing.cover.removed"
		if flash == "cover_removed_update" {
			msg = "flash.cover_removed_update"
		}
		writeJSON(w, http.StatusOK, map[string]string{"message": s.tr(r).T(msg)})
		return
	}
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	s.redirectWithFlash(w, r, practiceURL(id)+"/modifier#couverture", flash)
}

// readParts reads a multipart form part by part, in order, handing each to
// read until it says it is done; the whole body is bounded by the
// attachments' size limit (and a little more for the other fields).
func (s *Server) readParts(w http.ResponseWriter, r *http.Request, read func(name string, part io.Reader) (done bool, err error)) error {
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || ct != "multipart/form-data" {
		return passerelle.Errorf(passerelle.EUnsupported, "Send the form as multipart/form-data.")
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.svc.AttachmentSizeLimit()+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		return passerelle.Errorf(passerelle.EInvalid, "Could not read the multipart body.")
	}
	for range maxUploadParts {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		} else if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return passerelle.Errorf(passerelle.ETooLarge, "The file is too large.")
			}
			return passerelle.Errorf(passerelle.EInvalid, "Could not read the multipart body.")
		}
		done, err := read(part.FormName(), part)
		_ = part.Close()
		if err != nil || done {
			return err
		}
	}
	return nil
}

// coverJSON is a practice's cover in the API.
type coverJSON struct {
	Alt    string          `json:"alt"`
	Width  int             `json:"width"`
	Height int             `json:"height"`
	Files  []coverFileJSON `json:"files"`
}

type coverFileJSON struct {
	Width  int    `json:"width"`
	Height int    `json:"height"`
	URL    string `json:"url"`
}

// coverJSONOf returns the cover of p for the API, or nil.
func (s *Server) coverJSONOf(p *passerelle.Practice) *coverJSON {
	c := p.Cover
	if c == nil {
		return nil
	}
	out := &coverJSON{Alt: c.Alt, Width: c.Width, Height: c.Height}
	base := strings.TrimSuffix(s.opts.BaseURL, "/") + practiceURL(p.ID) + "/couverture/" + service.CoverToken(c) + "/"
	for _, w := range passerelle.CoverWidths {
		width, height := c.Scaled(w)
		out.Files = append(out.Files, coverFileJSON{Width: width, Height: height, URL: fmt.Sprintf("%s%d.jpg", base, w)})
	}
	return out
}
