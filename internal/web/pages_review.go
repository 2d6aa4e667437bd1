package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"path"
	"strconv"
	"strings"

	"github.com/go-chi/chi/v5"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/view"
)

// The pages of the review loop beside the workflow's buttons: attachments,
// the conversation, claims, draft deletion and withdrawal.

// fieldRef names a field of the sheet for people: its input on the form and
// its translated label.
func fieldRef(tr *view.Translator, domain string) view.FieldRef {
	for _, f := range formFields {
		if f.domain == domain {
			return view.FieldRef{ID: f.input, Label: tr.T(f.label), Domain: domain}
		}
	}
	return view.FieldRef{ID: domain, Label: domain, Domain: domain}
}

// fieldChoices lists the fields a moderator may name for the practice's
// kind, in the order of the sheet.
func fieldChoices(tr *view.Translator, p *passerelle.Practice) []view.FieldRef {
	var out []view.FieldRef
	for _, f := range passerelle.SheetFields {
		switch {
		case strings.HasPrefix(f, "experience.") && p.Kind != passerelle.KindExperience,
			strings.HasPrefix(f, "tool.") && p.Kind != passerelle.KindTool:
			continue
		}
		out = append(out, fieldRef(tr, f))
	}
	return out
}

func commentView(tr *view.Translator, c passerelle.Comment) view.CommentView {
	v := view.CommentView{ID: idString(c.ID), At: c.At, AuthorName: c.AuthorName, ByModerator: c.ByModerator,
		Body: c.Body, Decision: string(c.Decision), Revision: c.Revision}
	for _, f := range c.Fields {
		v.Fields = append(v.Fields, fieldRef(tr, f))
	}
	return v
}

func claimView(c *passerelle.Claim, viewer *passerelle.User) *view.ClaimView {
	if c == nil {
		return nil
	}
	return &view.ClaimView{ModeratorName: c.ModeratorName, Since: c.ClaimedAt, Until: c.ExpiresAt,
		Mine: viewer != nil && viewer.ID == c.ModeratorID}
}

// sizeText formats a size in bytes for people: "850 o", "12 Ko", "1,5 Mo".
func sizeText(tr *view.Translator, lang string, n int64) string {
	switch {
	case n < 1000:
		return tr.T("size.bytes", "n", strconv.FormatInt(n, 10))
	case n < 1000*1000:
		return tr.T("size.kb", "n", strconv.FormatInt((n+512)/1024, 10))
	}
	mb := float64(n) / (1 << 20)
	s := strconv.FormatFloat(mb, 'f', 1, 64)
	if mb >= 10 {
		s = strconv.FormatFloat(mb, 'f', 0, 64)
	}
	s = strings.TrimSuffix(s, ".0")
	if lang == "fr" {
		s = strings.ReplaceAll(s, ".", ",")
	}
	return tr.T("size.mb", "n", s)
}

func (s *Server) attachmentViews(tr *view.Translator, lang string, items []passerelle.Attachment) []view.AttachmentView {
	out := make([]view.AttachmentView, len(items))
	for i, a := range items {
		out[i] = view.AttachmentView{ID: idString(a.ID), Name: a.Name, URL: "/attachments/" + idString(a.ID),
			Type: strings.ToUpper(strings.TrimPrefix(path.Ext(a.Name), ".")), Size: a.Size}
		out[i].SizeText = sizeText(tr, lang, a.Size)
	}
	return out
}

// reviewDetail adds to d what the practice page shows of the review: the
// attachments for everyone who sees the practice; the conversation, the
// claim and the latest changes for the people taking part.
func (s *Server) reviewDetail(ctx context.Context, r *http.Request, actor *passerelle.User, p *passerelle.Practice, d *view.PracticeDetail) error {
	tr, lang := s.tr(r), s.lang(r)
	items := p.Attachments
	if items == nil {
		var err error
		if items, err = s.svc.Attachments(ctx, actor, p.ID); err != nil {
			return err
		}
	}
	if p.IsUpdate() && p.Open() {
		// An update under way shows the files and the cover the published
		// sheet will carry once it is approved.
		uf, err := s.svc.PublishedFiles(ctx, actor, p.ID)
		if err != nil {
			return err
		}
		items = append(uf.Kept, items...)
		if p.Cover == nil && uf.Cover != nil {
			d.Cover = coverView(&passerelle.Practice{ID: p.UpdateOf, Cover: uf.Cover})
		}
	}
	d.Attachments = s.attachmentViews(tr, lang, items)
	d.CommentLimit = passerelle.MaxCommentLength
	can := s.svc.Abilities(ctx, actor, p)
	d.CanWithdraw = can[passerelle.ActionWithdraw]
	d.CanDelete = can[passerelle.ActionDelete]
	d.CanComment = can[passerelle.ActionComment]
	d.CanClaim = can[passerelle.ActionClaim]
	comments, err := s.svc.Comments(ctx, actor, p.ID)
	switch code := errorCode(err); code {
	case "":
		d.Participant = true
	case passerelle.EForbidden, passerelle.EUnauthn:
		return nil // a reader: the review is not theirs to see
	default:
		return err
	}
	for _, c := range comments {
		d.Comments = append(d.Comments, commentView(tr, c))
	}
	claim, err := s.svc.ClaimOn(ctx, actor, p)
	if err != nil {
		return err
	}
	d.Claim = claimView(claim, actor)
	// An update not submitted yet carries the published version's number
	// but has no revision of its own to compare.
	if p.Revision > 0 && (!p.IsUpdate() || p.SubmittedAt != nil) {
		prev, cur, changes, err := s.svc.RevisionChanges(ctx, actor, p.ID, p.Revision)
		if err != nil {
			return err
		}
		d.ChangesTo = cur.Number
		if prev != nil {
			d.ChangesFrom = prev.Number
			for _, c := range changes {
				cv := view.ChangeView{Field: fieldRef(tr, c.Field)}
				for _, sp := range c.Diff {
					cv.Spans = append(cv.Spans, view.DiffSpanView{Op: string(sp.Op), Text: sp.Text})
				}
				d.Changes = append(d.Changes, cv)
			}
		}
	}
	return nil
}

// formReview adds to the edit form of a practice its attachments and the
// moderators' remarks on its latest revision.
func (s *Server) formReview(r *http.Request, u *passerelle.User, id int64, data *view.PracticeFormData) error {
	ctx := r.Context()
	tr, lang := s.tr(r), s.lang(r)
	p, err := s.svc.Practice(ctx, u, id)
	if err != nil {
		return err
	}
	files := p.Attachments
	data.Cover = coverView(p)
	if p.IsUpdate() {
		// The published sheet's files and cover, as the update keeps or
		// removes them.
		uf, err := s.svc.PublishedFiles(ctx, u, id)
		if err != nil {
			return err
		}
		files = append(uf.Kept, files...)
		data.RemovedFiles = s.attachmentViews(tr, lang, uf.Removed)
		if p.Cover == nil && uf.Cover != nil {
			data.Cover, data.CoverPublished = coverView(&passerelle.Practice{ID: p.UpdateOf, Cover: uf.Cover}), true
		}
		if uf.RemovedCover != nil {
			data.RemovedCover = uf.RemovedCover.Alt
		}
	}
	data.Attachments = s.attachmentViews(tr, lang, files)
	data.CanAttach = s.svc.Abilities(ctx, u, p)[passerelle.ActionAttach] && len(files) < passerelle.MaxAttachments
	data.MaxSize = sizeText(tr, lang, s.svc.AttachmentSizeLimit())
	data.MaxFiles = passerelle.MaxAttachments
	if p.Status != passerelle.StatusChangesRequested {
		return nil
	}
	remarks, err := s.svc.Remarks(ctx, u, id)
	if err != nil {
		return err
	}
	data.Remarks = map[string][]view.CommentView{}
	for field, items := range remarks {
		key := ""
		if field != "" {
			key = fieldRef(tr, field).ID
		}
		for _, c := range items {
			data.Remarks[key] = append(data.Remarks[key], commentView(tr, c))
		}
	}
	return nil
}

// pageAction runs a form action on the practice {id} and redirects to to
// with the flash message flash; a refused action shows the practice again
// with the reason.
func (s *Server) pageAction(w http.ResponseWriter, r *http.Request, flash string, do func(ctx context.Context, u *passerelle.User, id int64) (to string, err error)) {
	id, err := practiceID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	if err := parseForm(w, r, maxSmallForm); err != nil {
		s.errorPage(w, r, err)
		return
	}
	to, err := do(r.Context(), userFrom(r.Context()), id)
	switch code := errorCode(err); code {
	case "":
		s.redirectWithFlash(w, r, to, flash)
	case passerelle.EConflict, passerelle.EValidation:
		s.showPractice(w, r, statusOf[code], id, &view.PracticeData{Errors: formErrors(s.tr(r), err)})
	default:
		s.errorPage(w, r, err)
	}
}

func (s *Server) deleteDraftPage(w http.ResponseWriter, r *http.Request) {
	s.pageAction(w, r, "deleted", func(ctx context.Context, u *passerelle.User, id int64) (string, error) {
		return "/mes-fiches", s.svc.DeleteDraft(ctx, u, id)
	})
}

func (s *Server) withdrawPage(w http.ResponseWriter, r *http.Request) {
	s.pageAction(w, r, "withdrawn", func(ctx context.Context, u *passerelle.User, id int64) (string, error) {
		_, err := s.svc.Withdraw(ctx, u, id)
		return practiceURL(id), err
	})
}

func (s *Server) claimPage(w http.ResponseWriter, r *http.Request) {
	s.pageAction(w, r, "claimed", func(ctx context.Context, u *passerelle.User, id int64) (string, error) {
		_, err := s.svc.Claim(ctx, u, id, r.PostForm.Get("takeover") == "1")
		return practiceURL(id), err
	})
}

func (s *Server) releasePage(w http.ResponseWriter, r *http.Request) {
	s.pageAction(w, r, "released", func(ctx context.Context, u *passerelle.User, id int64) (string, error) {
		return "/relecture", s.svc.Release(ctx, u, id)
	})
}

// commentPage adds a comment from the practice page; a refused comment is
// shown again with what was typed.
func (s *Server) commentPage(w http.ResponseWriter, r *http.Request) {
	id, err := practiceID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	if err := parseForm(w, r, maxSmallForm); err != nil {
		s.errorPage(w, r, err)
		return
	}
	body := strings.ReplaceAll(r.PostForm.Get("message"), "\r\n", "\n")
	fields := r.PostForm["fields"]
	_, err = s.svc.AddComment(r.Context(), userFrom(r.Context()), id, body, fields)
	switch code := errorCode(err); code {
	case "":
		s.redirectWithFlash(w, r, practiceURL(id)+"#conversation", "commented")
	case passerelle.EValidation, passerelle.EConflict:
		tr := s.tr(r)
		var errs []view.FormError
		var e *passerelle.Error
		if errors.As(err, &e) && code == passerelle.EValidation {
			for field, reason := range e.Fields {
				switch field {
				case "comment":
					errs = append(errs, view.FormError{Field: "message", Message: tr.T("form.error.message." + reason)})
				default:
					errs = append(errs, view.FormError{Field: "message-fields", Message: tr.T("form.error.invalid", "label", tr.T("conversation.fields"))})
				}
			}
		} else {
			errs = formErrors(tr, err)
		}
		s.showPractice(w, r, statusOf[code], id, &view.PracticeData{Errors: errs, Message: body, Fields: fields})
	default:
		s.errorPage(w, r, err)
	}
}

// uploadAttachmentPage adds a file from the edit page, then shows the edit
// page again; a refused file is explained there.
func (s *Server) uploadAttachmentPage(w http.ResponseWriter, r *http.Request) {
	if wantsJSON(r) { // from the form's drop zone (writing.js)
		s.uploadInForm(w, r)
		return
	}
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
	err = s.readUpload(w, r, func(name string, body io.Reader) error {
		_, err := s.svc.AddAttachment(ctx, u, id, name, body)
		return err
	})
	edit := "/fiches/" + idString(id) + "/modifier"
	code := errorCode(err)
	switch code {
	case "":
		s.redirectWithFlash(w, r, edit+"#pieces-jointes", "attached")
		return
	case passerelle.EValidation, passerelle.ETooLarge, passerelle.EUnsupported, passerelle.EConflict, passerelle.EInvalid:
	default:
		s.errorPage(w, r, err)
		return
	}
	p, perr := s.svc.Practice(ctx, u, id)
	if perr != nil {
		s.errorPage(w, r, perr)
		return
	}
	if !p.Editable() {
		s.errorPage(w, r, err)
		return
	}
	msg := s.uploadMessage(r, err)
	s.showPracticeForm(w, r, statusOf[code], u, idString(id), p.Version, formOf(p), []view.FormError{{Field: "attachment", Message: msg}}, "")
}

// uploadMessage says why a file was refused, for people.
func (s *Server) uploadMessage(r *http.Request, err error) string {
	tr := s.tr(r)
	code := errorCode(err)
	reason := ""
	var e *passerelle.Error
	if errors.As(err, &e) {
		reason = e.Fields["file"]
	}
	var msg string
	switch {
	case reason == passerelle.FieldRequired:
		msg = tr.T("form.error.attachment.required")
	case reason == passerelle.FieldQuota:
		msg = tr.T("upload.error.quota", "quota", sizeText(tr, s.lang(r), s.svc.StorageQuota()))
	case code == passerelle.ETooLarge:
		msg = tr.T("upload.error.too_large", "size", sizeText(tr, s.lang(r), s.svc.AttachmentSizeLimit()))
	case code == passerelle.EUnsupported:
		msg = tr.T("upload.error.unsupported")
	case reason == "too_many":
		msg = tr.T("upload.error.too_many", "max", strconv.Itoa(passerelle.MaxAttachments))
	case code == passerelle.EConflict:
		msg = tr.T("error.code.conflict")
	default:
		msg = tr.T("upload.error.invalid")
	}
	return msg
}

func (s *Server) deleteAttachmentPage(w http.ResponseWriter, r *http.Request) {
	id, err := practiceID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	aid, err := strconv.ParseInt(chi.URLParam(r, "aid"), 10, 64)
	if err != nil {
		s.errorPage(w, r, passerelle.Errorf(passerelle.ENotFound, "Attachment not found."))
		return
	}
	if err := parseForm(w, r, maxSmallForm); err != nil {
		s.errorPage(w, r, err)
		return
	}
	if wantsJSON(r) { // from the form's file list (writing.js)
		s.removeInForm(w, r, id, aid)
		return
	}
	deferred, err := s.svc.RemoveAttachmentOf(r.Context(), userFrom(r.Context()), id, aid)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	flash := "detached"
	if deferred {
		flash = "detached_update"
	}
	s.redirectWithFlash(w, r, "/fiches/"+idString(id)+"/modifier#pieces-jointes", flash)
}

// queuePage lists the submissions waiting for the signed-in moderator's
// review, oldest first, with who is reviewing each and filters (403 for
// anyone who moderates nothing).
func (s *Server) queuePage(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	u := userFrom(ctx)
	q := r.URL.Query()
	query := service.QueueQuery{Territory: q.Get("territory"), Theme: q.Get("theme"), Kind: q.Get("kind")}
	items, err := s.svc.Queue(ctx, u, query)
	if errorCode(err) == passerelle.EValidation {
		// A stale or hand-made link: show the whole queue rather than an error.
		query = service.QueueQuery{}
		items, err = s.svc.Queue(ctx, u, query)
	}
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	snap, err := s.svc.Snapshot(ctx)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	data := &view.QueueData{Territory: query.Territory, Theme: query.Theme, Kind: query.Kind,
		Filtered: query != service.QueueQuery{}}
	for _, e := range items {
		it := view.QueueItem{PracticeCard: card(snap, e.Practice), Claim: claimView(e.Claim, u)}
		it.Territory = it.PracticeCard.Territory
		if e.Practice.SubmittedAt != nil {
			it.SubmittedAt = *e.Practice.SubmittedAt
		}
		data.Items = append(data.Items, it)
	}
	mine := map[string]bool{}
	for _, c := range snap.Scopes(u, passerelle.PermReadQueue) {
		mine[c] = true
	}
	data.Territories = territoryChoices(snap.Tree(), mine)
	for _, th := range snap.Themes() {
		data.Themes = append(data.Themes, view.Theme{Slug: th.Slug, Name: th.Name})
	}
	s.render(w, r, http.StatusOK, "queue", &view.Page{Title: s.tr(r).T("queue.heading"), Data: data})
}

// dashboard adds to the contributor's list what the moderators asked on
// each practice's latest revision, and who is reviewing each submission.
func (s *Server) dashboard(r *http.Request, items []*passerelle.Practice, data *view.MyPracticesData) error {
	ctx := r.Context()
	u := userFrom(ctx)
	tr := s.tr(r)
	asked, err := s.svc.Asked(ctx, u, items)
	if err != nil {
		return err
	}
	for id, cs := range asked {
		for _, c := range cs {
			data.Asked[idString(id)] = append(data.Asked[idString(id)], commentView(tr, c))
		}
	}
	for _, p := range items {
		switch p.Status {
		case passerelle.StatusChangesRequested:
			data.ToRevise++
		case passerelle.StatusSubmitted:
			c, err := s.svc.ClaimOn(ctx, u, p)
			if err != nil {
				return err
			}
			if c != nil {
				data.Claims[idString(p.ID)] = claimView(c, u)
			}
		}
	}
	return nil
}
