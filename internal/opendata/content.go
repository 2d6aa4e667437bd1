package opendata

import (
	"html/template"
	"strings"
	"time"

	"github.com/passerelle/passerelle/internal/markdown"
	"github.com/passerelle/passerelle/internal/passerelle"
)

// contentTemplate is the full text of a practice in a feed entry: the
// summary, the body rendered from Markdown (sanitised by package markdown),
// and the fields of its kind, as the practice's page shows them. Labels come
// from the site's vocabulary (the keys of the practice page's locale).
var contentTemplate = template.Must(template.New("content").Funcs(template.FuncMap{
	"join": func(items []string) string { return strings.Join(items, ", ") },
}).Parse(`
{{- with .P.Summary}}<p><strong>{{.}}</strong></p>{{end}}
{{- .Body}}
{{- with .P.Experience}}{{if $.Experience}}
<dl>
{{- with .Context}}<dt>{{$.L "practice.experience.context"}}</dt><dd>{{.}}</dd>{{end}}
{{- with .Actions}}<dt>{{$.L "practice.experience.actions"}}</dt><dd>{{.}}</dd>{{end}}
{{- with .Partners}}<dt>{{$.L "practice.experience.partners"}}</dt><dd><ul>{{range .}}<li>{{.}}</li>{{end}}</ul></dd>{{end}}
{{- with .Results}}<dt>{{$.L "practice.experience.results"}}</dt><dd>{{.}}</dd>{{end}}
{{- with .Lessons}}<dt>{{$.L "practice.experience.lessons"}}</dt><dd>{{.}}</dd>{{end}}
{{- with .StartedOn}}<dt>{{$.L "practice.experience.started_on"}}</dt><dd>{{$.Date .}}</dd>{{end}}
{{- with .EndedOn}}<dt>{{$.L "practice.experience.ended_on"}}</dt><dd>{{$.Date .}}</dd>{{end}}
</dl>{{end}}{{end}}
{{- with .P.Tool}}{{if $.Tool}}
<dl>
{{- with .Audience}}<dt>{{$.L "practice.tool.audience"}}</dt><dd>{{join .}}</dd>{{end}}
{{- with .Format}}<dt>{{$.L "practice.tool.format"}}</dt><dd>{{$.L (printf "format.%s" .)}}</dd>{{end}}
{{- with .Duration}}<dt>{{$.L "practice.tool.duration"}}</dt><dd>{{.}}</dd>{{end}}
{{- with .License}}<dt>{{$.L "practice.tool.license"}}</dt><dd>{{.}}</dd>{{end}}
{{- with $.Languages}}<dt>{{$.L "practice.tool.languages"}}</dt><dd>{{join .}}</dd>{{end}}
</dl>{{end}}{{end}}`))

type contentData struct {
	site       *Site
	P          *passerelle.Practice
	Body       template.HTML
	Experience bool
	Tool       bool
	Languages  []string
}

func (d contentData) L(key string) string {
	return d.site.Label(key, key[strings.LastIndexByte(key, '.')+1:])
}

func (d contentData) Date(t *time.Time) string { return t.Format(time.DateOnly) }

// ContentHTML returns the full text of a published practice as HTML for a
// feed entry: summary, body and the fields of its kind. Everything a
// contributor typed is escaped, or sanitised when it is Markdown.
func (s *Site) ContentHTML(p *passerelle.Practice) string {
	d := contentData{site: s, P: p, Body: markdown.Stored(p.Body, p.BodyHTML, p.BodyRenderer),
		Experience: p.Kind == passerelle.KindExperience, Tool: p.Kind == passerelle.KindTool}
	if t := p.Tool; t != nil {
		d.Languages = LanguageNames(t.Languages, s.Lang)
	}
	var b strings.Builder
	if err := contentTemplate.Execute(&b, d); err != nil {
		return ""
	}
	return strings.TrimSpace(b.String())
}
