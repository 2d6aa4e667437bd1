package markdown

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// FuzzRender: any body renders — never a panic — to sanitised HTML: read
// as a browser would, no script, frame, object or style element, no event
// handler attribute, no javascript: or data: link. (Text that merely reads
// "onerror=" is fine: it is text.)
func FuzzRender(f *testing.F) {
	for _, seed := range []string{"# Titre\n\nUn *paragraphe* avec [un lien](https://example.org).", "<script>alert(1)</script>",
		"[x](javascript:alert(1))", "![i](data:text/html,x)", "<img src=x onerror=alert(1)>", strings.Repeat(">", 200) + " x",
		strings.Repeat("[", 500), strings.Repeat("*", 300) + "x", "| a | b |\n|---|---|\n| 1 | 2 |", "```\ncode\n```", "\x00", "- [ ] tâche",
		strings.Repeat("- ", 100) + "x", "<a href=\"JaVaScRiPt:x\">y</a>", "[a]: <javascript:x>\n[b][a]", "0 onerror="} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 64<<10 {
			return // bodies are bounded by the form long before this
		}
		out := string(Render(src))
		z := html.NewTokenizer(strings.NewReader(out))
		for {
			tt := z.Next()
			if tt == html.ErrorToken {
				return
			}
			if tt != html.StartTagToken && tt != html.SelfClosingTagToken {
				continue
			}
			tok := z.Token()
			switch tok.Data {
			case "script", "iframe", "object", "embed", "style", "frame", "base", "form", "meta", "link":
				t.Fatalf("Render(%q) = %q: a <%s> element", src, out, tok.Data)
			}
			for _, a := range tok.Attr {
				v := strings.ToLower(strings.TrimSpace(a.Val))
				if strings.HasPrefix(strings.ToLower(a.Key), "on") || a.Key == "style" ||
					((a.Key == "href" || a.Key == "src") && (strings.HasPrefix(v, "javascript:") || strings.HasPrefix(v, "vbscript:") || strings.HasPrefix(v, "data:text"))) {
					t.Fatalf("Render(%q) = %q: <%s %s=%q>", src, out, tok.Data, a.Key, a.Val)
				}
			}
		}
	})
}
