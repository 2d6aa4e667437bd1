package markdown

import (
	"errors"
	"fmt"
	"html/template"
	"strings"
)

// The cost of rendering Markdown grows faster than its length for a few
// shapes — containers nested deep, long runs of brackets that never close,
// wide tables with many rows, thousands of reference definitions — up to
// seconds for a body of the form's maximum length. The budget below bounds
// it: Check refuses, in one linear pass over the text, what would cost more
// than about MaxCost to render, and RenderChecked stops an output longer
// than MaxOutput. The weights come from measurements of the renderer
// (BenchmarkRenderWorstAccepted); whatever Check accepts renders in well
// under 50 ms.

// Version identifies the renderer's output. HTML stored by another version
// is rendered again (at start-up); bump it whenever Render's output changes.
const Version = 1

// The budget of one text.
const (
	// MaxNesting is the deepest nesting of block quotes and list items
	// opened on one line.
	MaxNesting = 16
	// MaxIndent is the widest indentation of a line, in columns: lists
	// nest by indentation.
	MaxIndent = 80
	// MaxTableColumns is the widest table.
	MaxTableColumns = 32
	// MaxReferences is the most link reference definitions.
	MaxReferences = 500
	// MaxOutput is the longest HTML, in bytes.
	MaxOutput = 1 << 20
	// MaxCost is the estimated rendering cost allowed, in nanoseconds of
	// a core (see cost).
	MaxCost = 24_000_000
)

// The estimated cost of each thing the renderer works on, in nanoseconds
// (measured, then rounded up).
const (
	costByte      = 60    // any byte of text
	costDelimiter = 3_000 // an emphasis, strikethrough, code, link or autolink delimiter
	costLinkScan  = 8     // each byte a link destination may have to scan
	costCell      = 2_500 // a table cell, written out even when empty
	costLevel     = 600   // each container a line is nested in, checked again on every line
)

// Limits name the part of the budget a text went over, as TooComplexError
// reports it.
const (
	LimitNesting    = "nesting"
	LimitTable      = "table"
	LimitReferences = "references"
	LimitCost       = "cost"
	LimitOutput     = "output"
)

// TooComplexError is a text whose rendering would cost more than the
// budget. Limit says which part of it.
type TooComplexError struct {
	Limit string
}

func (e *TooComplexError) Error() string {
	return fmt.Sprintf("markdown: beyond the rendering budget (%s)", e.Limit)
}

// IsTooComplex reports whether err is a TooComplexError.
func IsTooComplex(err error) bool {
	var e *TooComplexError
	return errors.As(err, &e)
}

// Cost estimates what rendering src costs, in nanoseconds of a core, after
// checking its structure: an error names the limit it goes over. It reads
// src once; its own cost is linear.
func Cost(src string) (int64, error) {
	var (
		delimiters, references int64
		linkScan, cells        int64
		levels                 int64
		// The current paragraph (lines up to a blank one): its length and
		// the link destinations opened in it and not closed on their line,
		// each of which may scan to its end.
		paraLen, paraLinks int64
		// The table being read: its columns, 0 outside a table.
		tableColumns int64
	)
	endParagraph := func() {
		linkScan += paraLinks * paraLen
		paraLen, paraLinks, tableColumns = 0, 0, 0
	}
	for line := range strings.Lines(src) {
		line = strings.TrimRight(line, "\r\n")
		indent, rest := indentation(line)
		if strings.TrimSpace(rest) == "" {
			endParagraph()
			continue
		}
		if indent > MaxIndent {
			return 0, &TooComplexError{Limit: LimitNesting}
		}
		depth, content := containers(rest)
		if depth > MaxNesting {
			return 0, &TooComplexError{Limit: LimitNesting}
		}
		levels += int64(depth + indent/2)
		if isReference(content) {
			if references++; references > MaxReferences {
				return 0, &TooComplexError{Limit: LimitReferences}
			}
		}
		switch n := delimiterRow(content); {
		case n > MaxTableColumns:
			return 0, &TooComplexError{Limit: LimitTable}
		case n > 0:
			// The header row was counted as a row of the previous
			// table, if any; each row of this one has n cells whatever
			// it holds.
			tableColumns = n
			cells += 2 * n
		case tableColumns > 0:
			cells += tableColumns
		}
		paraLen += int64(len(line)) + 1
		for i := 0; i < len(content); i++ {
			switch content[i] {
			case '*', '_', '~', '`', '[', ']', '<', '!':
				delimiters++
			}
		}
		// A link destination ends at its ")": one closed on its line scans
		// up to it; one that is not may scan to the end of the paragraph.
		close := -1
		for i := len(content) - 2; i >= 0; i-- {
			switch {
			case content[i+1] == ')':
				close = i + 1
			case content[i] == ']' && content[i+1] == '(':
				if close < 0 {
					paraLinks++
				} else {
					linkScan += int64(close - i)
				}
			}
		}
	}
	endParagraph()
	return costByte*int64(len(src)) + costDelimiter*delimiters + costLinkScan*linkScan + costCell*cells + costLevel*levels, nil
}

// Check reports whether src renders within the budget: nil, or a
// *TooComplexError naming the limit it goes over.
func Check(src string) error {
	cost, err := Cost(src)
	if err != nil {
		return err
	}
	if cost > MaxCost {
		return &TooComplexError{Limit: LimitCost}
	}
	return nil
}

// indentation returns the width of the leading white space of line, in
// columns (a tab goes to the next multiple of 4), and what follows it.
func indentation(line string) (int, string) {
	col := 0
	for i := 0; i < len(line); i++ {
		switch line[i] {
		case ' ':
			col++
		case '\t':
			col += 4 - col%4
		default:
			return col, line[i:]
		}
	}
	return col, ""
}

// containers counts the block quote and list markers that open a line, and
// returns what follows them.
func containers(s string) (int, string) {
	depth := 0
	for {
		s = strings.TrimLeft(s, " \t")
		switch {
		case s == "":
			return depth, s
		case s[0] == '>':
			depth++
			s = s[1:]
		case (s[0] == '-' || s[0] == '+' || s[0] == '*') && (len(s) == 1 || s[1] == ' ' || s[1] == '\t'):
			depth++
			s = s[1:]
		default:
			n := 0
			for n < len(s) && n < 10 && s[n] >= '0' && s[n] <= '9' {
				n++
			}
			if n == 0 || n > 9 || n >= len(s) || (s[n] != '.' && s[n] != ')') || (n+1 < len(s) && s[n+1] != ' ' && s[n+1] != '\t') {
				return depth, s
			}
			depth++
			s = s[n+1:]
		}
	}
}

// isReference reports whether s starts like a link reference definition:
// "[label]:".
func isReference(s string) bool {
	if !strings.HasPrefix(s, "[") {
		return false
	}
	end := strings.Index(s, "]")
	return end > 1 && strings.HasPrefix(s[end:], "]:")
}

// delimiterRow returns the number of columns of s when it is the delimiter
// row of a table ("| --- | :-: |"), 0 otherwise.
func delimiterRow(s string) int64 {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "|") || !strings.Contains(s, "-") {
		return 0
	}
	s = strings.TrimPrefix(strings.TrimSuffix(s, "|"), "|")
	var n int64
	for cell := range strings.SplitSeq(s, "|") {
		cell = strings.TrimSpace(cell)
		cell = strings.TrimSuffix(strings.TrimPrefix(cell, ":"), ":")
		if cell == "" || strings.Trim(cell, "-") != "" {
			return 0
		}
		n++
	}
	return n
}

// limitedWriter fails once more than max bytes were written.
type limitedWriter struct {
	buf []byte
	max int
}

var errOutput = &TooComplexError{Limit: LimitOutput}

func (w *limitedWriter) Write(p []byte) (int, error) {
	if len(w.buf)+len(p) > w.max {
		return 0, errOutput
	}
	w.buf = append(w.buf, p...)
	return len(p), nil
}

// RenderChecked renders src as Render does when it is within the budget;
// otherwise it returns a *TooComplexError and no HTML.
func RenderChecked(src string) (template.HTML, error) {
	if err := Check(src); err != nil {
		return "", err
	}
	w := &limitedWriter{max: MaxOutput}
	if err := md.Convert([]byte(src), w); err != nil || len(w.buf) >= MaxOutput {
		return "", errOutput
	}
	return template.HTML(policy.SanitizeBytes(w.buf)), nil //nolint:gosec // sanitised just now
}

// PlainHTML shows src as text, without Markdown: escaped, one paragraph per
// block of lines, line breaks kept. Its cost is linear; it is what a text
// beyond the budget looks like.
func PlainHTML(src string) template.HTML {
	var b strings.Builder
	for para := range strings.SplitSeq(strings.ReplaceAll(src, "\r\n", "\n"), "\n\n") {
		if para = strings.TrimSpace(para); para == "" {
			continue
		}
		b.WriteString("<p>")
		b.WriteString(strings.ReplaceAll(template.HTMLEscapeString(para), "\n", "<br>\n"))
		b.WriteString("</p>\n")
	}
	return template.HTML(b.String()) //nolint:gosec // escaped just now
}

// Stored returns the HTML of src stored when it was saved, html, when the
// renderer that made it (version) is the current one; otherwise it renders
// src now (within the budget, as Render).
func Stored(src, html string, version int) template.HTML {
	if version == Version {
		return template.HTML(html) //nolint:gosec // rendered and sanitised when saved
	}
	return Render(src)
}
