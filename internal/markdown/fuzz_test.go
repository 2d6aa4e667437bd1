package markdown

import (
	"strings"
	"testing"
)

// FuzzRender: any body renders — never a panic — to sanitised HTML: no
// script, no event handler, no javascript: link.
func FuzzRender(f *testing.F) {
	for _, seed := range []string{"# Titre\n\nUn *paragraphe* avec [un lien](https://example.org).", "<script>alert(1)</script>",
		"[x](javascript:alert(1))", "![i](data:text/html,x)", "<img src=x onerror=alert(1)>", strings.Repeat(">", 200) + " x",
		strings.Repeat("[", 500), strings.Repeat("*", 300) + "x", "| a | b |\n|---|---|\n| 1 | 2 |", "```\ncode\n```", "\x00", "- [ ] tâche",
		strings.Repeat("- ", 100) + "x", "<a href=\"JaVaScRiPt:x\">y</a>", "[a]: <javascript:x>\n[b][a]"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		if len(src) > 64<<10 {
			return // bodies are bounded by the form long before this
		}
		out := strings.ToLower(string(Render(src)))
		for _, bad := range []string{"<script", "javascript:", " onerror=", " onload=", " onclick=", "<iframe", "<object", "<embed", "<style"} {
			if strings.Contains(out, bad) {
				t.Fatalf("Render(%q) = %q: holds %q", src, out, bad)
			}
		}
	})
}
