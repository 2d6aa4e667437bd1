package passerelle

import (
	"regexp"
	"slices"
	"strings"
	"time"
	"unicode/utf8"
)

// Level is the kind of a territory in the tree.
type Level string

// The levels of the territory tree, from the widest to the narrowest.
const (
	LevelRegion     Level = "region"
	LevelDepartment Level = "department"
	LevelEPCI       Level = "epci"
	LevelCommune    Level = "commune"
	LevelQPV        Level = "qpv" // quartier prioritaire de la politique de la ville
	LevelOther      Level = "other"
)

// Levels lists every valid level.
var Levels = []Level{LevelRegion, LevelDepartment, LevelEPCI, LevelCommune, LevelQPV, LevelOther}

// Valid reports whether l is one of Levels.
func (l Level) Valid() bool { return slices.Contains(Levels, l) }

// Territory is a node of the territory tree. A role held on a territory holds
// on every territory below it, and a practice listed under a territory is
// listed under all its ancestors.
type Territory struct {
	Code       string
	Name       string
	Level      Level
	ParentCode string // "" for a root
	CreatedAt  time.Time
}

var codePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9_-]{0,63}$`)

// ValidCode reports whether code may name a territory: letters, digits,
// dashes and underscores, 1 to 64 characters, so that it is safe in a URL.
func ValidCode(code string) bool { return codePattern.MatchString(code) }

// Normalize returns the territory as it is stored: its code, name and
// parent's code without surrounding spaces.
func (t Territory) Normalize() Territory {
	t.Code, t.Name, t.ParentCode = strings.TrimSpace(t.Code), strings.TrimSpace(t.Name), strings.TrimSpace(t.ParentCode)
	return t
}

// Validate checks the territory's own fields (not whether its parent exists).
func (t *Territory) Validate() error {
	v := Validation{}
	if !ValidCode(t.Code) {
		v.Add("code", FieldInvalid)
	}
	if t.Name == "" {
		v.Add("name", FieldRequired)
	} else if utf8.RuneCountInString(t.Name) > 200 {
		v.Add("name", FieldTooLong)
	}
	v.Line("name", t.Name)
	if !t.Level.Valid() {
		v.Add("level", FieldUnknown)
	}
	if t.ParentCode == t.Code && t.Code != "" {
		v.Add("parent", FieldInvalid)
	}
	return v.Err()
}

// Tree is an immutable in-memory view of every territory, for walking up and
// down the hierarchy without a query. Build it with NewTree.
type Tree struct {
	byCode   map[string]*Territory
	children map[string][]string
	roots    []string
}

// NewTree builds a tree from territories in any order. Territories whose
// parent is unknown are treated as roots.
func NewTree(territories []Territory) *Tree {
	t := &Tree{byCode: make(map[string]*Territory, len(territories)), children: map[string][]string{}}
	for i := range territories {
		t.byCode[territories[i].Code] = &territories[i]
	}
	for i := range territories {
		ter := &territories[i]
		if _, ok := t.byCode[ter.ParentCode]; ok && ter.ParentCode != "" {
			t.children[ter.ParentCode] = append(t.children[ter.ParentCode], ter.Code)
		} else {
			t.roots = append(t.roots, ter.Code)
		}
	}
	order := nameOrder()
	byName := func(a, b string) int { return order(t.byCode[a].Name, t.byCode[b].Name) }
	for _, c := range t.children {
		slices.SortFunc(c, byName)
	}
	slices.SortFunc(t.roots, byName)
	return t
}

// Get returns the territory with code, or nil.
func (t *Tree) Get(code string) *Territory { return t.byCode[code] }

// Len returns the number of territories.
func (t *Tree) Len() int { return len(t.byCode) }

// Roots returns the codes of the top-level territories, by name.
func (t *Tree) Roots() []string { return t.roots }

// Children returns the codes of the territories directly below code, by name.
func (t *Tree) Children(code string) []string { return t.children[code] }

// Walk visits every territory of the tree, depth first: a parent before its
// children, siblings by name, with its depth (0 for a root). fn returns
// false to leave out the territory's children. (Each territory has one
// parent, so the walk ends even on bad data: a cycle has no root.)
func (t *Tree) Walk(fn func(ter *Territory, depth int) bool) {
	var walk func(codes []string, depth int)
	walk = func(codes []string, depth int) {
		for _, c := range codes {
			if fn(t.byCode[c], depth) {
				walk(t.children[c], depth+1)
			}
		}
	}
	walk(t.roots, 0)
}

// Ancestors returns the territories above code, from the root down to its
// parent (excluded code itself); nil for an unknown code or a root.
func (t *Tree) Ancestors(code string) []Territory {
	var up []Territory
	seen := map[string]bool{code: true}
	for cur := t.byCode[code]; cur != nil && cur.ParentCode != "" && !seen[cur.ParentCode]; {
		seen[cur.ParentCode] = true
		cur = t.byCode[cur.ParentCode]
		if cur == nil {
			break
		}
		up = append(up, *cur)
	}
	slices.Reverse(up)
	return up
}

// Chain returns code and the codes of all its ancestors, nearest first. This
// is the list of territories whose roles cover code.
func (t *Tree) Chain(code string) []string {
	chain := []string{code}
	seen := map[string]bool{code: true}
	for cur := t.byCode[code]; cur != nil && cur.ParentCode != "" && !seen[cur.ParentCode]; cur = t.byCode[cur.ParentCode] {
		seen[cur.ParentCode] = true
		chain = append(chain, cur.ParentCode)
	}
	return chain
}

// Within reports whether code is scope or lies below scope.
func (t *Tree) Within(code, scope string) bool {
	return slices.Contains(t.Chain(code), scope)
}

// Subtree returns code and the codes of every territory below it.
func (t *Tree) Subtree(code string) []string {
	if t.byCode[code] == nil {
		return nil
	}
	out := []string{code}
	seen := map[string]bool{code: true}
	for i := 0; i < len(out); i++ {
		for _, c := range t.children[out[i]] {
			if !seen[c] { // a cycle in bad data must not loop forever
				seen[c] = true
				out = append(out, c)
			}
		}
	}
	return out
}
