package passerelle

import (
	"bytes"
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"unicode/utf8"
)

// TerritoryColumns are the columns of a territory reference file, in the
// order written by Passerelle. A file may list them in any order, after a
// header row that names them; other columns are ignored.
var TerritoryColumns = []string{"code", "name", "level", "parent_code"}

// maxImportRows bounds a reference file: France has about 35,000 communes
// and 1,600 priority neighbourhoods.
const maxImportRows = 100_000

// ImportRow is one territory read from a reference file, with the number of
// the line it was read from (the header is line 1).
type ImportRow struct {
	Line      int
	Territory Territory
}

// ImportError is what is wrong with a reference file: the first faulty line
// (0 for the file as a whole), the reason (one of the Import* reasons) and
// the value at fault. It reads as a validation_failed *Error through
// errors.As, so that every layer reports it like any other refusal.
type ImportError struct {
	Line   int
	Reason string
	Value  string
}

// Reasons of an ImportError.
const (
	ImportUnreadable    = "unreadable"     // not UTF-8, or broken quoting
	ImportEmpty         = "empty"          // no header, or no territory
	ImportTooMany       = "too_many"       // over maxImportRows lines
	ImportNoColumn      = "missing_column" // Value: the missing column
	ImportBadCode       = "bad_code"
	ImportNoName        = "missing_name"
	ImportLongName      = "long_name"
	ImportBadLevel      = "bad_level"
	ImportDuplicate     = "duplicate" // Value: the code, seen on an earlier line
	ImportSelfParent    = "self_parent"
	ImportUnknownParent = "unknown_parent" // Value: the parent code
	ImportCycle         = "cycle"          // Value: the code whose ancestors loop
	ImportCharacters    = "characters"     // a control character or a line break in a cell
)

var importMessages = map[string]string{
	ImportUnreadable:    "the file is not readable CSV in UTF-8",
	ImportEmpty:         "the file lists no territory",
	ImportTooMany:       "the file has too many lines",
	ImportNoColumn:      "missing column %q in the header (expected code,name,level,parent_code)",
	ImportBadCode:       "invalid code %q (letters, digits, dashes and underscores, at most 64)",
	ImportNoName:        "the name is missing",
	ImportLongName:      "the name is longer than 200 characters",
	ImportBadLevel:      "unknown level %q (region, department, epci, commune, qpv or other)",
	ImportDuplicate:     "code %q appears twice in the file",
	ImportSelfParent:    "territory %q is its own parent",
	ImportUnknownParent: "unknown parent territory %q",
	ImportCycle:         "territory %q would lie below itself",
	ImportCharacters:    "a cell holds a control character or a line break",
}

// Error returns a one-line description naming the line.
func (e *ImportError) Error() string {
	msg := importMessages[e.Reason]
	if strings.Contains(msg, "%q") {
		msg = fmt.Sprintf(msg, e.Value)
	}
	if e.Line > 0 {
		return fmt.Sprintf("line %d: %s", e.Line, msg)
	}
	return msg
}

// As makes an ImportError read as a validation_failed *Error.
func (e *ImportError) As(target any) bool {
	if p, ok := target.(**Error); ok {
		*p = &Error{Code: EValidation, Message: e.Error() + ".", Fields: map[string]string{"file": e.Reason}}
		return true
	}
	return false
}

// ParseTerritoryCSV reads a territory reference file: UTF-8 (a byte-order
// mark is allowed), comma- or semicolon-separated, with a header row naming
// the columns of TerritoryColumns. It checks each line on its own (code,
// name, level, a code listed twice) and returns the first fault as an
// *ImportError; whether parents exist is for PlanImport.
func ParseTerritoryCSV(r io.Reader) ([]ImportRow, error) {
	data, err := io.ReadAll(io.LimitReader(r, 64<<20))
	if err != nil {
		return nil, &ImportError{Reason: ImportUnreadable}
	}
	data = bytes.TrimPrefix(data, []byte("\xef\xbb\xbf"))
	if !utf8.Valid(data) {
		return nil, &ImportError{Reason: ImportUnreadable}
	}
	header, _, _ := bytes.Cut(data, []byte("\n"))
	cr := csv.NewReader(bytes.NewReader(data))
	if bytes.Count(header, []byte(";")) > bytes.Count(header, []byte(",")) {
		cr.Comma = ';'
	}
	cr.FieldsPerRecord = -1
	cr.TrimLeadingSpace = true
	head, err := cr.Read()
	if errors.Is(err, io.EOF) {
		return nil, &ImportError{Reason: ImportEmpty}
	} else if err != nil {
		return nil, &ImportError{Line: 1, Reason: ImportUnreadable}
	}
	col := map[string]int{}
	for i, h := range head {
		h = strings.ToLower(strings.TrimSpace(h))
		if _, dup := col[h]; !dup {
			col[h] = i
		}
	}
	for _, c := range TerritoryColumns {
		if _, ok := col[c]; !ok {
			return nil, &ImportError{Line: 1, Reason: ImportNoColumn, Value: c}
		}
	}
	used := make([]int, 0, len(TerritoryColumns))
	for _, c := range TerritoryColumns {
		used = append(used, col[c])
	}
	var rows []ImportRow
	seen := map[string]bool{}
	for {
		rec, err := cr.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		line, _ := cr.FieldPos(0)
		if err != nil {
			var pe *csv.ParseError
			if errors.As(err, &pe) {
				line = pe.Line
			}
			return nil, &ImportError{Line: line, Reason: ImportUnreadable}
		}
		if len(rows) >= maxImportRows {
			return nil, &ImportError{Line: line, Reason: ImportTooMany}
		}
		field := func(name string) string {
			if i := col[name]; i < len(rec) {
				return strings.TrimSpace(rec[i])
			}
			return ""
		}
		if strings.TrimSpace(strings.Join(rec, "")) == "" {
			continue // a blank line, as spreadsheets leave at the end
		}
		// The columns read are one-line values; others (notes kept by
		// whoever keeps the file) may span lines, but no cell carries a
		// control character.
		for i, cell := range rec {
			if !CleanText(cell) || (slices.Contains(used, i) && !CleanLine(cell)) {
				return nil, &ImportError{Line: line, Reason: ImportCharacters}
			}
		}
		t := Territory{Code: field("code"), Name: field("name"), Level: Level(strings.ToLower(field("level"))), ParentCode: field("parent_code")}
		switch {
		case !ValidCode(t.Code):
			return nil, &ImportError{Line: line, Reason: ImportBadCode, Value: t.Code}
		case seen[t.Code]:
			return nil, &ImportError{Line: line, Reason: ImportDuplicate, Value: t.Code}
		case t.Name == "":
			return nil, &ImportError{Line: line, Reason: ImportNoName}
		case utf8.RuneCountInString(t.Name) > 200:
			return nil, &ImportError{Line: line, Reason: ImportLongName}
		case !t.Level.Valid():
			return nil, &ImportError{Line: line, Reason: ImportBadLevel, Value: string(t.Level)}
		case t.ParentCode == t.Code:
			return nil, &ImportError{Line: line, Reason: ImportSelfParent, Value: t.Code}
		case t.ParentCode != "" && !ValidCode(t.ParentCode):
			return nil, &ImportError{Line: line, Reason: ImportUnknownParent, Value: t.ParentCode}
		}
		seen[t.Code] = true
		rows = append(rows, ImportRow{Line: line, Territory: t})
	}
	if len(rows) == 0 {
		return nil, &ImportError{Reason: ImportEmpty}
	}
	return rows, nil
}

// ImportPlan is what importing a reference file changes: the territories to
// create, parents before children, and those whose name, level or parent
// change. Territories absent from the file are left as they are.
type ImportPlan struct {
	Create    []Territory
	Update    []TerritoryChange
	Unchanged int
}

// TerritoryChange is an existing territory and what it becomes.
type TerritoryChange struct {
	Before, After Territory
}

// PlanImport checks rows against the existing territories — every parent
// must exist in the file or already, and no territory may end up below
// itself — and returns the changes that make the tree match the file. It
// returns the first fault as an *ImportError naming its line.
func PlanImport(existing []Territory, rows []ImportRow) (*ImportPlan, error) {
	parent := make(map[string]string, len(existing)+len(rows))
	before := make(map[string]Territory, len(existing))
	for _, t := range existing {
		parent[t.Code] = t.ParentCode
		before[t.Code] = t
	}
	line := make(map[string]int, len(rows))
	for _, r := range rows {
		parent[r.Territory.Code] = r.Territory.ParentCode
		line[r.Territory.Code] = r.Line
	}
	for _, r := range rows {
		if p := r.Territory.ParentCode; p != "" {
			if _, ok := parent[p]; !ok {
				return nil, &ImportError{Line: r.Line, Reason: ImportUnknownParent, Value: p}
			}
		}
	}
	// Only a territory of the file can close a loop (the tree was sound
	// before), so walking up from each of them finds every loop.
	for _, r := range rows {
		seen := map[string]bool{}
		for c := r.Territory.Code; c != ""; c = parent[c] {
			if seen[c] {
				return nil, &ImportError{Line: r.Line, Reason: ImportCycle, Value: r.Territory.Code}
			}
			seen[c] = true
		}
	}
	plan := &ImportPlan{}
	created := map[string]bool{}
	byCode := make(map[string]Territory, len(rows))
	for _, r := range rows {
		byCode[r.Territory.Code] = r.Territory
	}
	for _, r := range rows {
		t := r.Territory
		old, ok := before[t.Code]
		switch {
		case !ok:
			createInOrder(t.Code, byCode, before, created, &plan.Create)
		case old.Name != t.Name || old.Level != t.Level || old.ParentCode != t.ParentCode:
			plan.Update = append(plan.Update, TerritoryChange{Before: old, After: t})
		default:
			plan.Unchanged++
		}
	}
	return plan, nil
}

// createInOrder appends code to out after its new ancestors, each once.
func createInOrder(code string, rows map[string]Territory, existing map[string]Territory, done map[string]bool, out *[]Territory) {
	// Walk up to the first ancestor that exists or is already planned, then
	// append on the way back down.
	var chain []string
	for c := code; c != "" && !done[c]; c = rows[c].ParentCode {
		if _, old := existing[c]; old {
			break
		}
		chain = append(chain, c)
	}
	for i := len(chain) - 1; i >= 0; i-- {
		done[chain[i]] = true
		*out = append(*out, rows[chain[i]])
	}
}
