package web

import (
	"bytes"
	"net/http"
	"strconv"
	"strings"

	"github.com/passerelle/passerelle/internal/opendata"
	"github.com/passerelle/passerelle/internal/search"
)

// practicePDF answers a published practice as a PDF document to take to a
// meeting: its full address, territory (and those above it), themes,
// dates, texts and attachments, in the reader's language.
func (s *Server) practicePDF(w http.ResponseWriter, r *http.Request) {
	id, err := practiceID(r)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	ctx := r.Context()
	p, err := s.svc.PublishedPractice(ctx, userFrom(ctx), id)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	snap, err := s.svc.Snapshot(ctx)
	if err != nil {
		s.errorPage(w, r, err)
		return
	}
	tr := s.tr(r)
	base := strings.TrimRight(s.opts.BaseURL, "/")
	d := opendata.SheetDocument{Title: p.Title, URL: base + practiceURL(p.ID), Lang: tr.Lang(),
		Footer: tr.T("readers.pdf.footer", "id", idString(p.ID)), AttachmentsHeading: tr.T("readers.pdf.attachments")}
	line := func(label, value string) {
		if strings.TrimSpace(value) != "" {
			d.Lines = append(d.Lines, opendata.SheetLine{Label: label, Value: value})
		}
	}
	line(tr.T("readers.pdf.kind"), tr.Enum("kind", string(p.Kind)))
	var places []string
	for _, c := range snap.Tree().Chain(p.TerritoryCode) {
		if t := snap.Tree().Get(c); t != nil {
			places = append(places, t.Name)
		}
	}
	line(tr.T("practice.territory"), strings.Join(places, ", "))
	var themes []string
	for _, slug := range p.Themes {
		if th := snap.Theme(slug); th != nil {
			themes = append(themes, th.Name)
		}
	}
	line(tr.T("practice.themes"), strings.Join(themes, ", "))
	line(tr.T("practice.author"), p.AuthorName)
	if p.PublishedAt != nil {
		line(tr.T("practice.published_on"), tr.Date(*p.PublishedAt))
	}
	line(tr.T("practice.updated_on"), tr.Date(p.UpdatedAt))
	section := func(heading, text string) {
		d.Sections = append(d.Sections, opendata.SheetSection{Heading: heading, Text: text})
	}
	section(tr.T("form.summary"), p.Summary)
	section(tr.T("form.body"), search.PlainText(p.Body))
	if e := p.Experience; e != nil {
		if e.StartedOn != nil {
			line(tr.T("practice.experience.started_on"), tr.Date(*e.StartedOn))
		}
		if e.EndedOn != nil {
			line(tr.T("practice.experience.ended_on"), tr.Date(*e.EndedOn))
		}
		section(tr.T("practice.experience.context"), e.Context)
		section(tr.T("practice.experience.actions"), e.Actions)
		section(tr.T("practice.experience.results"), e.Results)
		section(tr.T("practice.experience.lessons"), e.Lessons)
		section(tr.T("practice.experience.partners"), strings.Join(e.Partners, "\n"))
	}
	if t := p.Tool; t != nil {
		line(tr.T("practice.tool.audience"), strings.Join(t.Audience, ", "))
		if t.Format != "" {
			line(tr.T("practice.tool.format"), tr.Enum("format", t.Format))
		}
		line(tr.T("practice.tool.duration"), t.Duration)
		line(tr.T("practice.tool.license"), t.License)
		line(tr.T("practice.tool.languages"), strings.Join(t.Languages, ", "))
	}
	for _, a := range p.Attachments {
		d.Attachments = append(d.Attachments, opendata.SheetLine{
			Label: a.Name + " (" + tr.T("readers.pdf.size", "kb", strconv.FormatInt(max(1, (a.Size+1023)/1024), 10)) + ")",
			Value: s.attachmentURL(a.ID)})
	}
	var buf bytes.Buffer
	if err := opendata.WriteSheetPDF(&buf, d); err != nil {
		s.errorPage(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "application/pdf")
	h.Set("Content-Disposition", `inline; filename="fiche-`+idString(p.ID)+`.pdf"`)
	h.Set("Content-Length", strconv.Itoa(buf.Len()))
	_, _ = w.Write(buf.Bytes())
}
