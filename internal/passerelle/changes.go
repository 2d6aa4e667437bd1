package passerelle

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"github.com/sergi/go-diff/diffmatchpatch"
)

// FieldChange is what changed in one field of a practice between two
// revisions: the texts before and after, and a word-level diff of them.
type FieldChange struct {
	Field  string // as in SheetFields
	Before string
	After  string
	Diff   []DiffSpan
}

// DiffOp says whether a span of a diff is kept, removed or added.
type DiffOp string

// The operations of a diff.
const (
	DiffEqual  DiffOp = "equal"
	DiffDelete DiffOp = "delete"
	DiffInsert DiffOp = "insert"
)

// DiffSpan is a run of text of a diff.
type DiffSpan struct {
	Op   DiffOp
	Text string
}

// Changes compares two states of a practice field by field, in the order of
// SheetFields, and returns the fields that differ. before may be nil (the
// first revision): every filled field is then new.
func Changes(before, after *Practice) []FieldChange {
	var old map[string]string
	if before != nil {
		old = sheetTexts(before)
	}
	cur := sheetTexts(after)
	var out []FieldChange
	for _, f := range SheetFields {
		a, b := old[f], cur[f]
		if a == b {
			continue
		}
		out = append(out, FieldChange{Field: f, Before: a, After: b, Diff: WordDiff(a, b)})
	}
	return out
}

// RevisionChanges compares two revisions (before is nil for the first):
// the fields of the sheet (Changes), then the files attached, one name per
// line, when both revisions recorded them — adding or removing a file is a
// change a moderator must see.
func RevisionChanges(before, after *Revision) []FieldChange {
	var old *Practice
	var oldFiles []RevisionFile
	known := after.Files != nil
	if before != nil {
		old, oldFiles = &before.Practice, before.Files
		known = known && before.Files != nil
	}
	out := Changes(old, &after.Practice)
	if !known {
		return out
	}
	a, b := fileList(oldFiles), fileList(after.Files)
	if a != b {
		out = append(out, FieldChange{Field: "attachments", Before: a, After: b, Diff: lineDiff(a, b)})
	}
	return append(out, coverChange(before, after)...)
}

// coverChange is the change of the cover image between two revisions that
// both recorded it: its description and size, "" for none.
func coverChange(before, after *Revision) []FieldChange {
	if !after.CoverKnown || before != nil && !before.CoverKnown {
		return nil
	}
	var old *Cover
	if before != nil {
		old = before.Cover
	}
	if old == nil && after.Cover == nil || old != nil && after.Cover != nil && old.Key == after.Cover.Key {
		return nil
	}
	a, b := coverText(old), coverText(after.Cover)
	return []FieldChange{{Field: "cover", Before: a, After: b, Diff: lineDiff(a, b)}}
}

func coverText(c *Cover) string {
	if c == nil {
		return ""
	}
	return fmt.Sprintf("%s (%d × %d)", c.Alt, c.Width, c.Height)
}

func fileList(files []RevisionFile) string {
	names := make([]string, len(files))
	for i, f := range files {
		names[i] = f.Name
	}
	return strings.Join(names, "\n")
}

// lineDiff is the diff of two lists of lines, whole lines kept, removed or
// added: a file name is never cut in words.
func lineDiff(a, b string) []DiffSpan {
	split := func(s string) []string {
		if s == "" {
			return nil
		}
		return strings.Split(s, "\n")
	}
	la, lb := split(a), split(b)
	in := func(list []string, x string) bool {
		for _, y := range list {
			if y == x {
				return true
			}
		}
		return false
	}
	var out []DiffSpan
	add := func(op DiffOp, line string) {
		if n := len(out); n > 0 && out[n-1].Op == op {
			out[n-1].Text += line + "\n"
			return
		}
		out = append(out, DiffSpan{Op: op, Text: line + "\n"})
	}
	for _, x := range la {
		if in(lb, x) {
			add(DiffEqual, x)
		} else {
			add(DiffDelete, x)
		}
	}
	for _, x := range lb {
		if !in(la, x) {
			add(DiffInsert, x)
		}
	}
	return out
}

// sheetTexts returns every field of p as text: lists one item per line,
// dates as YYYY-MM-DD.
func sheetTexts(p *Practice) map[string]string {
	day := func(t *time.Time) string {
		if t == nil {
			return ""
		}
		return t.Format(time.DateOnly)
	}
	m := map[string]string{
		"kind": string(p.Kind), "title": p.Title, "summary": p.Summary, "body": p.Body,
		"territory": p.TerritoryCode, "themes": strings.Join(p.Themes, "\n"),
	}
	if e := p.Experience; e != nil && p.Kind == KindExperience {
		m["experience.context"], m["experience.actions"] = e.Context, e.Actions
		m["experience.partners"] = strings.Join(e.Partners, "\n")
		m["experience.results"], m["experience.lessons"] = e.Results, e.Lessons
		m["experience.started_on"], m["experience.ended_on"] = day(e.StartedOn), day(e.EndedOn)
	}
	if t := p.Tool; t != nil && p.Kind == KindTool {
		m["tool.audience"], m["tool.languages"] = strings.Join(t.Audience, "\n"), strings.Join(t.Languages, "\n")
		m["tool.format"], m["tool.duration"], m["tool.license"] = t.Format, t.Duration, t.License
	}
	return m
}

// WordDiff returns a readable diff of two texts: whole words are kept,
// removed or added (never parts of a word), and small islands of unchanged
// text inside a change are folded into it.
func WordDiff(a, b string) []DiffSpan {
	var tokens []string
	index := map[string]rune{}
	encode := func(s string) []rune {
		var out []rune
		for _, tok := range words(s) {
			r, ok := index[tok]
			if !ok {
				r = tokenRune(len(tokens))
				index[tok] = r
				tokens = append(tokens, tok)
			}
			out = append(out, r)
		}
		return out
	}
	ra, rb := encode(a), encode(b)
	dmp := diffmatchpatch.New()
	diffs := dmp.DiffCleanupSemantic(dmp.DiffMainRunes(ra, rb, false))
	decode := map[rune]string{}
	for i, tok := range tokens {
		decode[tokenRune(i)] = tok
	}
	out := make([]DiffSpan, 0, len(diffs))
	for _, d := range diffs {
		var sb strings.Builder
		for _, r := range d.Text {
			sb.WriteString(decode[r])
		}
		op := DiffEqual
		switch d.Type {
		case diffmatchpatch.DiffDelete:
			op = DiffDelete
		case diffmatchpatch.DiffInsert:
			op = DiffInsert
		}
		if n := len(out); n > 0 && out[n-1].Op == op {
			out[n-1].Text += sb.String()
			continue
		}
		out = append(out, DiffSpan{Op: op, Text: sb.String()})
	}
	return out
}

// tokenRune codes the i-th distinct token as a valid rune (skipping the
// surrogate range, which strings cannot hold).
func tokenRune(i int) rune {
	r := rune(i) + 0x100 //nolint:gosec // G115: i counts the distinct tokens of two texts, far below 2³¹
	if r >= 0xD800 {
		r += 0x800
	}
	return r
}

// words cuts s into words (letters, digits, apostrophes and hyphens inside a
// word), runs of spaces, and single other characters.
func words(s string) []string {
	var out []string
	rs := []rune(s)
	isWord := func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsMark(r) }
	for i := 0; i < len(rs); {
		j := i + 1
		switch {
		case isWord(rs[i]):
			for j < len(rs) && (isWord(rs[j]) || (strings.ContainsRune("'’-", rs[j]) && j+1 < len(rs) && isWord(rs[j+1]))) {
				j++
			}
		case unicode.IsSpace(rs[i]):
			for j < len(rs) && unicode.IsSpace(rs[j]) {
				j++
			}
		}
		out = append(out, string(rs[i:j]))
		i = j
	}
	return out
}
