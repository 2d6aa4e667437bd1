// Package markdown turns the Markdown that contributors write into HTML that
// is safe to put in a page: CommonMark with the GitHub tables, strikethrough
// and autolinks, no raw HTML, then sanitised against an allow-list.
package markdown

import (
	"html/template"
	"regexp"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
	"github.com/yuin/goldmark/util"
)

// linkRel is set on every link: contributors' links earn no ranking from
// the site and the target page gets no handle on it.
const linkRel = "nofollow noopener"

// md parses without raw HTML (goldmark's default: it is replaced by a
// comment) and drops javascript:, vbscript:, file: and data: links already;
// the sanitiser below is the second line of defence.
var md = goldmark.New(
	goldmark.WithExtensions(
		// Inline style attributes would be blocked by the Content-Security-Policy.
		extension.NewTable(extension.WithTableCellAlignMethod(extension.TableCellAlignAttribute)),
		extension.Strikethrough,
		extension.Linkify,
	),
	goldmark.WithParserOptions(parser.WithASTTransformers(util.Prioritized(pageTransformer{}, 100))),
)

var policy = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	p.RequireNoFollowOnLinks(true)
	p.AllowAttrs("rel").Matching(regexp.MustCompile(`^` + linkRel + `$`)).OnElements("a")
	return p
}()

// pageTransformer fits the document into a page: the page's title is its
// only h1, so "#" becomes h2 and every level moves down one (h6 stays h6);
// links get linkRel.
type pageTransformer struct{}

func (pageTransformer) Transform(doc *ast.Document, _ text.Reader, _ parser.Context) {
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch n := n.(type) {
		case *ast.Heading:
			n.Level = min(n.Level+1, 6)
		case *ast.Link, *ast.AutoLink:
			n.SetAttributeString("rel", []byte(linkRel))
		}
		return ast.WalkContinue, nil
	})
}

// Render returns src as sanitised HTML. It never fails and its cost is
// bounded: Markdown has no syntax errors, and a text beyond the rendering
// budget (Check) is shown as plain text (PlainHTML). Texts are checked when
// they are saved, so that this happens only to those saved before.
func Render(src string) template.HTML {
	html, err := RenderChecked(src)
	if err != nil {
		return PlainHTML(src)
	}
	return html
}
