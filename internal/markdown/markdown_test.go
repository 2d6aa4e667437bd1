package markdown_test

import (
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/markdown"
)

func TestRender(t *testing.T) {
	tests := []struct {
		name     string
		src      string
		want     []string // substrings of the output
		dontWant []string // case-insensitive
	}{
		{
			name: "emphasis and lists",
			src:  "Un **forum** et *deux* ateliers :\n\n- accueil\n- orientation",
			want: []string{"<strong>forum</strong>", "<em>deux</em>", "<ul>", "<li>accueil</li>"},
		},
		{
			name:     "script tag",
			src:      "Avant <script>alert(1)</script> après\n\n<script>alert(2)</script>",
			want:     []string{"Avant", "après"},
			dontWant: []string{"<script", "alert(2)"},
		},
		{
			name:     "event handler attribute",
			src:      `<img src="x.png" onerror="alert(1)">` + "\n\nTexte <b onclick=\"alert(1)\">gras</b>",
			want:     []string{"Texte"},
			dontWant: []string{"onerror", "onclick"},
		},
		{
			name:     "javascript link",
			src:      "[clic](javascript:alert(1)) et [bis](JavaScript:alert(1)) et [ter](vbscript:x) et <javascript:alert(1)>",
			want:     []string{"clic", "bis"},
			dontWant: []string{`href="javascript`, `href="vbscript`},
		},
		{
			name: "links get rel",
			src:  "[Mission locale](https://www.mission-locale.fr/) et https://www.anct.gouv.fr",
			want: []string{
				`<a href="https://www.mission-locale.fr/" rel="nofollow noopener">Mission locale</a>`,
				`<a href="https://www.anct.gouv.fr" rel="nofollow noopener">https://www.anct.gouv.fr</a>`,
			},
		},
		{
			name:     "headings shifted down one level",
			src:      "# Contexte\n\n## Actions\n\n###### Détail",
			want:     []string{"<h2>Contexte</h2>", "<h3>Actions</h3>", "<h6>Détail</h6>"},
			dontWant: []string{"<h1"},
		},
		{
			name:     "tables kept, aligned without inline style",
			src:      "| Action | Publics |\n|:--|--:|\n| Forum | 120 |",
			want:     []string{"<table>", "<th align=\"left\">Action</th>", "<td align=\"right\">120</td>"},
			dontWant: []string{"style="},
		},
		{
			name: "strikethrough",
			src:  "~~ancien~~ nouveau",
			want: []string{"<del>ancien</del>"},
		},
		{
			name:     "raw html block omitted",
			src:      "<iframe src=\"https://evil.example\"></iframe>\n\n<div style=\"color:red\">x</div>",
			dontWant: []string{"<iframe", "style="},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(markdown.Render(tt.src))
			for _, w := range tt.want {
				if !strings.Contains(got, w) {
					t.Errorf("output lacks %q:\n%s", w, got)
				}
			}
			for _, d := range tt.dontWant {
				if strings.Contains(strings.ToLower(got), strings.ToLower(d)) {
					t.Errorf("output contains %q:\n%s", d, got)
				}
			}
		})
	}
}

func TestRenderEmpty(t *testing.T) {
	if got := markdown.Render("  \n"); strings.TrimSpace(string(got)) != "" {
		t.Errorf("Render(blank) = %q", got)
	}
}
