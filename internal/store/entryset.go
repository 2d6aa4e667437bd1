package store

import "math/bits"

// entrySet is a set of entries of a catalogue, by index, one bit each: what
// a search found, what a name names. 100,000 entries take 12.5 KB, and
// combining two sets (a term found in the text or by name, every term of a
// search) is a few thousand word operations, not a walk of the entries.
type entrySet []uint64

func newEntrySet(n int) entrySet { return make(entrySet, (n+63)/64) }

func (s entrySet) add(i int32)      { s[i>>6] |= 1 << (i & 63) }
func (s entrySet) has(i int32) bool { return s[i>>6]&(1<<(i&63)) != 0 }

// fill adds the first n entries.
func (s entrySet) fill(n int) {
	for i := range s {
		s[i] = ^uint64(0)
	}
	if r := n & 63; r != 0 && len(s) > 0 {
		s[len(s)-1] = 1<<uint(r) - 1
	}
}

// and keeps the entries of s also in o.
func (s entrySet) and(o entrySet) {
	for i := range s {
		s[i] &= o[i]
	}
}

// andNot removes from s the entries of o.
func (s entrySet) andNot(o entrySet) {
	for i := range s {
		s[i] &^= o[i]
	}
}

// or adds to s the entries of o.
func (s entrySet) or(o entrySet) {
	for i := range s {
		s[i] |= o[i]
	}
}

// addAll adds the entries of a posting list.
func (s entrySet) addAll(positions []int32) {
	for _, p := range positions {
		s.add(p)
	}
}

func (s entrySet) count() int {
	n := 0
	for _, w := range s {
		n += bits.OnesCount64(w)
	}
	return n
}

// each calls fn with the entries of s in increasing order (list order)
// until it returns false.
func (s entrySet) each(fn func(i int32) bool) {
	for wi, w := range s {
		for w != 0 {
			b := bits.TrailingZeros64(w)
			if !fn(int32(wi<<6 + b)) { //nolint:gosec // G115: positions fit
				return
			}
			w &= w - 1
		}
	}
}
