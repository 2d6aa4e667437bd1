package passerelle

import (
	"strings"

	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// nameOrder returns a comparison that orders names the way a French reader
// expects: case and accents do not change the order ("Écully" sorts with "E").
// A collator is not safe for concurrent use, so each caller gets its own.
func nameOrder() func(a, b string) int {
	col := collate.New(language.French, collate.Loose)
	return func(a, b string) int {
		if c := col.CompareString(a, b); c != 0 {
			return c
		}
		return strings.Compare(a, b)
	}
}
