package store

import (
	"slices"
	"testing"
)

func TestEntrySet(t *testing.T) {
	for _, n := range []int{0, 1, 63, 64, 65, 130} {
		all := newEntrySet(n)
		all.fill(n)
		if all.count() != n {
			t.Errorf("n=%d: fill counts %d", n, all.count())
		}
		var seen []int32
		all.each(func(i int32) bool { seen = append(seen, i); return true })
		if len(seen) != n || n > 0 && (seen[0] != 0 || seen[n-1] != int32(n-1)) {
			t.Errorf("n=%d: each gave %v", n, seen)
		}
		if n < 65 {
			continue
		}
		odd, low := newEntrySet(n), newEntrySet(n)
		for i := int32(1); i < int32(n); i += 2 {
			odd.add(i)
		}
		low.addAll([]int32{0, 1, 2, 3, 64})
		both := slices.Clone(odd)
		both.and(low)
		var got []int32
		both.each(func(i int32) bool { got = append(got, i); return true })
		if !slices.Equal(got, []int32{1, 3}) {
			t.Errorf("n=%d: and gave %v", n, got)
		}
		either := slices.Clone(odd)
		either.or(low)
		if either.count() != n/2+3 || !either.has(64) || either.has(66) {
			t.Errorf("n=%d: or counts %d", n, either.count())
		}
		odd.andNot(low)
		if odd.has(1) || odd.has(3) || !odd.has(5) || odd.count() != n/2-2 {
			t.Errorf("n=%d: andNot counts %d", n, odd.count())
		}
		got = nil
		all.each(func(i int32) bool { got = append(got, i); return len(got) < 3 })
		if !slices.Equal(got, []int32{0, 1, 2}) {
			t.Errorf("each did not stop: %v", got)
		}
	}
}
