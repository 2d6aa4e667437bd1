package web

import (
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/go-chi/chi/v5"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
)

// The API of the review loop beside the workflow's transitions:
// attachments, the conversation, claims and the queue, revision diffs.

// reviewAPIRoutes adds the routes of this file under /api/v1.
type attachmentJSON struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Size        int64     `json:"size"`
	ContentType string    `json:"content_type"`
	URL         string    `json:"url"`
	CreatedAt   time.Time `json:"created_at"`
}

// attachmentURL is where people (and API clients, with /api/v1 in front)
// download an attachment.
func (s *Server) attachmentURL(id int64) string {
	return strings.TrimRight(s.opts.BaseURL, "/") + "/attachments/" + idString(id)
}

func (s *Server) attachmentToJSON(a passerelle.Attachment) attachmentJSON {
	return attachmentJSON{ID: idString(a.ID), Name: a.Name, Size: a.Size, ContentType: a.ContentType,
		URL: s.attachmentURL(a.ID), CreatedAt: a.CreatedAt}
}

func (s *Server) attachmentsJSON(items []passerelle.Attachment) []attachmentJSON {
	out := make([]attachmentJSON, len(items))
	for i, a := range items {
		out[i] = s.attachmentToJSON(a)
	}
	return out
}

// attachmentID reads the {id} of an attachment route.
func attachmentID(r *http.Request) (int64, error) {
	id, err := strconv.ParseInt(chi.URLParam(r, "id"), 10, 64)
	if err != nil || id <= 0 {
		return 0, passerelle.Errorf(passerelle.ENotFound, "Attachment not found.")
	}
	return id, nil
}

// maxUploadParts bounds the parts read before the file in a multipart body.
const maxUploadParts = 16

// readUpload finds the part "file" of a multipart/form-data request and
// hands it to store as it arrives: the body is never read whole into
// memory, and is cut a little past the size limit. Errors:
// unsupported_media_type (not multipart), validation_failed (no file),
// too_large, invalid_request, and those of store.
func (s *Server) readUpload(w http.ResponseWriter, r *http.Request, store func(name string, body io.Reader) error) error {
	ct, _, err := mime.ParseMediaType(r.Header.Get("Content-Type"))
	if err != nil || ct != "multipart/form-data" {
		return passerelle.Errorf(passerelle.EUnsupported, "Send the file as multipart/form-data, in the field \"file\".")
	}
	r.Body = http.MaxBytesReader(w, r.Body, s.svc.AttachmentSizeLimit()+1<<20)
	mr, err := r.MultipartReader()
	if err != nil {
		return passerelle.Errorf(passerelle.EInvalid, "Could not read the multipart body.")
	}
	for range maxUploadParts {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			var tooBig *http.MaxBytesError
			if errors.As(err, &tooBig) {
				return passerelle.Errorf(passerelle.ETooLarge, "The file is too large.")
			}
			return passerelle.Errorf(passerelle.EInvalid, "Could not read the multipart body.")
		}
		if part.FormName() != "file" {
			_ = part.Close()
			continue
		}
		defer func() { _ = part.Close() }()
		if err := headerValueProblem("file", part.FileName()); err != nil {
			return err
		}
		return store(part.FileName(), part)
	}
	return &passerelle.Error{Code: passerelle.EValidation, Message: "Send a file in the field \"file\".",
		Fields: map[string]string{"file": passerelle.FieldRequired}}
}

func (s *Server) apiUploadAttachment(w http.ResponseWriter, r *http.Request) {
	id, err := practiceID(r)
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
		a, err = s.svc.AddAttachment(r.Context(), actor, id, name, body)
		return err
	})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.Header().Set("Location", "/api/v1/attachments/"+idString(a.ID))
	writeJSON(w, http.StatusCreated, s.attachmentToJSON(*a))
}

func (s *Server) apiAttachments(w http.ResponseWriter, r *http.Request) {
	id, err := practiceID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	items, err := s.svc.Attachments(r.Context(), userFrom(r.Context()), id)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": s.attachmentsJSON(items)})
}

// downloadAttachment sends a file to whoever may see its practice (404 for
// anyone else), always as a download: the detected type, nosniff, a
// sandboxing Content-Security-Policy, and Content-Disposition: attachment
// with the cleaned name. Range requests work.
func (s *Server) downloadAttachment(w http.ResponseWriter, r *http.Request) {
	id, err := attachmentID(r)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	a, body, err := s.svc.OpenAttachment(r.Context(), userFrom(r.Context()), id)
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
	h.Set("Cache-Control", "private, no-cache")
	h.Add("Vary", "Cookie, Authorization")
	http.ServeContent(w, r, "", a.CreatedAt, body)
}

func (s *Server) apiDeleteAttachment(w http.ResponseWriter, r *http.Request) {
	id, err := attachmentID(r)
	if err == nil {
		err = s.svc.RemoveAttachment(r.Context(), userFrom(r.Context()), id)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) apiDeleteDraft(w http.ResponseWriter, r *http.Request) {
	id, err := practiceID(r)
	if err == nil {
		err = s.svc.DeleteDraft(r.Context(), userFrom(r.Context()), id)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type commentJSON struct {
	ID       string     `json:"id"`
	At       time.Time  `json:"at"`
	Author   personJSON `json:"author"`
	Role     string     `json:"role"` // "author" or "moderator"
	Body     string     `json:"body"`
	Fields   []string   `json:"fields"`
	Decision *string    `json:"decision"` // the decision this is the reason of, or null
	Revision int        `json:"revision"`
}

func commentToJSON(c passerelle.Comment) commentJSON {
	out := commentJSON{ID: idString(c.ID), At: c.At, Author: personJSON{ID: idString(c.AuthorID), Name: c.AuthorName},
		Role: string(passerelle.PartyAuthor), Body: c.Body, Fields: nonNil(c.Fields), Revision: c.Revision}
	if c.ByModerator {
		out.Role = string(passerelle.PartyModerator)
	}
	if c.Decision != "" {
		d := string(c.Decision)
		out.Decision = &d
	}
	return out
}

func (s *Server) apiComments(w http.ResponseWriter, r *http.Request) {
	practiceList(s, s.svc.Comments, func(_ *http.Request, c passerelle.Comment) commentJSON { return commentToJSON(c) })(w, r)
}

func (s *Server) apiAddComment(w http.ResponseWriter, r *http.Request) {
	id, err := practiceID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var body struct {
		Body   string   `json:"body"`
		Fields []string `json:"fields"`
	}
	if err := decodeJSON(w, r, &body); err != nil {
		s.apiError(w, r, err)
		return
	}
	c, err := s.svc.AddComment(r.Context(), userFrom(r.Context()), id, body.Body, body.Fields)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, commentToJSON(*c))
}

type claimJSON struct {
	Moderator personJSON `json:"moderator"`
	ClaimedAt time.Time  `json:"claimed_at"`
	ExpiresAt time.Time  `json:"expires_at"`
}

func claimToJSON(c *passerelle.Claim) *claimJSON {
	if c == nil {
		return nil
	}
	return &claimJSON{Moderator: personJSON{ID: idString(c.ModeratorID), Name: c.ModeratorName}, ClaimedAt: c.ClaimedAt, ExpiresAt: c.ExpiresAt}
}

func (s *Server) apiClaim(w http.ResponseWriter, r *http.Request) {
	id, err := practiceID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	var body struct {
		Takeover bool `json:"takeover"`
	}
	if r.ContentLength != 0 {
		if err := decodeJSON(w, r, &body); err != nil {
			s.apiError(w, r, err)
			return
		}
	}
	c, err := s.svc.Claim(r.Context(), userFrom(r.Context()), id, body.Takeover)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, claimToJSON(c))
}

func (s *Server) apiRelease(w http.ResponseWriter, r *http.Request) {
	id, err := practiceID(r)
	if err == nil {
		err = s.svc.Release(r.Context(), userFrom(r.Context()), id)
	}
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

type diffSpanJSON struct {
	Op   string `json:"op"`
	Text string `json:"text"`
}

type changeJSON struct {
	Field  string         `json:"field"`
	Before string         `json:"before"`
	After  string         `json:"after"`
	Diff   []diffSpanJSON `json:"diff"`
}

// apiRevisionDiff answers what changed in revision n since the one before,
// field by field, with a word-level diff of each.
func (s *Server) apiRevisionDiff(w http.ResponseWriter, r *http.Request) {
	id, err := practiceID(r)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	n, err := strconv.Atoi(chi.URLParam(r, "n"))
	if err != nil || n <= 0 {
		s.apiError(w, r, passerelle.Errorf(passerelle.ENotFound, "Revision not found."))
		return
	}
	prev, cur, changes, err := s.svc.RevisionChanges(r.Context(), userFrom(r.Context()), id, n)
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	out := make([]changeJSON, len(changes))
	for i, c := range changes {
		out[i] = changeJSON{Field: c.Field, Before: c.Before, After: c.After, Diff: make([]diffSpanJSON, len(c.Diff))}
		for j, d := range c.Diff {
			out[i].Diff[j] = diffSpanJSON{Op: string(d.Op), Text: d.Text}
		}
	}
	var from *int
	if prev != nil {
		from = &prev.Number
	}
	writeJSON(w, http.StatusOK, map[string]any{"from": from, "to": cur.Number, "submitted_at": cur.SubmittedAt, "changes": out})
}

// apiReviewQueue lists the submissions waiting in the caller's territories,
// oldest first, with how long each has waited and who is reviewing it;
// filters: territory (and below), theme, kind.
func (s *Server) apiReviewQueue(w http.ResponseWriter, r *http.Request) {
	if err := knownParams(r, "territory", "theme", "kind"); err != nil {
		s.apiError(w, r, err)
		return
	}
	q := r.URL.Query()
	items, err := s.svc.Queue(r.Context(), userFrom(r.Context()), service.QueueQuery{Territory: q.Get("territory"), Theme: q.Get("theme"), Kind: q.Get("kind")})
	if err != nil {
		s.apiError(w, r, err)
		return
	}
	type item struct {
		practiceJSON
		WaitingSeconds int64      `json:"waiting_seconds"`
		Claim          *claimJSON `json:"claim"`
	}
	out := make([]item, len(items))
	for i, e := range items {
		out[i] = item{practiceJSON: s.practiceJSON(e.Practice), WaitingSeconds: int64(e.Waiting.Seconds()), Claim: claimToJSON(e.Claim)}
	}
	writeJSON(w, http.StatusOK, map[string]any{"items": out, "total": len(out)})
}
