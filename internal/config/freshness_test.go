package config

import (
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/passerelle"
)

// TestReviewAfter: --review-after (PASSERELLE_REVIEW_AFTER) is 24 months by
// default, reads months, years or days, and a bad value stops the start
// with the flag named.
func TestReviewAfter(t *testing.T) {
	c, err := parseArgs()
	if err != nil || c.ReviewAfter != (passerelle.Period{Months: 24}) {
		t.Fatalf("default: %+v, %v", c.ReviewAfter, err)
	}
	for in, want := range map[string]passerelle.Period{
		"18": {Months: 18}, "18mo": {Months: 18}, "2y": {Months: 24}, "90d": {Days: 90}, "3 ans": {Months: 36}, " 6 months ": {Months: 6},
	} {
		if c, err := parseArgs("--review-after", in); err != nil || c.ReviewAfter != want {
			t.Errorf("--review-after %q: %+v, %v; want %+v", in, c.ReviewAfter, err, want)
		}
	}
	for _, in := range []string{"", "0", "-3", "soon", "24h", "11y", "12 weeks"} {
		_, err := parseArgs("--review-after", in)
		if err == nil || !strings.Contains(err.Error(), "--review-after") {
			t.Errorf("--review-after %q: %v, want an error naming the flag", in, err)
		}
	}
}
