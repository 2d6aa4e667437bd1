package passerelle

import (
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Freshness: a published practice says when it was last checked. After a
// period (the setting --review-after) its author is asked, once per
// period, to confirm that it is still current; until someone confirms it —
// the author, or a moderator on their behalf — readers see it "à
// actualiser" and the moderators find it on their desk.

// The actions of freshness.
const (
	// ActionAskReview: Passerelle asked the author to confirm the sheet
	// is still current (written by the freshness job, the author as actor).
	ActionAskReview Action = "ask_review"
	// ActionConfirmCurrent: the sheet was confirmed current, by its author
	// or by a moderator on their behalf.
	ActionConfirmCurrent Action = "confirm_current"
)

// NotifyReviewDue asks the author of a published practice to confirm it is
// still current or to update it.
const NotifyReviewDue = "practice.review_due"

// VerifiedAt returns when the practice was last known current: its last
// confirmation, else its publication; nil when it was never published.
func (p *Practice) VerifiedAt() *time.Time {
	if p.ReviewedAt != nil && (p.PublishedAt == nil || p.ReviewedAt.After(*p.PublishedAt)) {
		return p.ReviewedAt
	}
	return p.PublishedAt
}

// ReviewDue reports whether the practice waits for someone to confirm it
// is still current: published, its author asked (ReviewAskedAt), and not
// confirmed since.
func (p *Practice) ReviewDue() bool {
	if p.Status != StatusPublished || p.ReviewAskedAt == nil {
		return false
	}
	v := p.VerifiedAt()
	return v == nil || !v.After(*p.ReviewAskedAt)
}

// Period is a length of calendar time, in months and days: how long a
// published practice stays current without a check.
type Period struct {
	Months, Days int
}

// DefaultReviewAfter is the period after which an author is asked to
// confirm their published practice: 24 months.
var DefaultReviewAfter = Period{Months: 24}

// Before returns the moment one period before t.
func (p Period) Before(t time.Time) time.Time { return t.AddDate(0, -p.Months, -p.Days) }

// String writes the period as ParsePeriod reads it.
func (p Period) String() string {
	switch {
	case p.Days == 0 && p.Months%12 == 0 && p.Months > 0:
		return strconv.Itoa(p.Months/12) + "y"
	case p.Days == 0:
		return strconv.Itoa(p.Months) + "mo"
	case p.Months == 0:
		return strconv.Itoa(p.Days) + "d"
	}
	return fmt.Sprintf("%dmo%dd", p.Months, p.Days)
}

// ParsePeriod reads a period: a number of months ("24"), or a number with a
// unit — "24mo" or "24 months" (or "mois"), "2y" or "2 years" (or "ans"),
// "90d" or "90 days" (or "jours"). It must be from 1 day to 10 years.
func ParsePeriod(s string) (Period, error) {
	in := strings.ToLower(strings.TrimSpace(s))
	i := 0
	for i < len(in) && in[i] >= '0' && in[i] <= '9' {
		i++
	}
	n, err := strconv.Atoi(in[:i])
	if err != nil || n <= 0 {
		return Period{}, fmt.Errorf("%q: expected a positive number of months, or with a unit (24mo, 2y, 90d)", s)
	}
	var p Period
	switch unit := strings.TrimSpace(in[i:]); unit {
	case "", "mo", "month", "months", "mois":
		p.Months = n
	case "y", "year", "years", "an", "ans":
		p.Months = 12 * n
	case "d", "day", "days", "j", "jour", "jours":
		p.Days = n
	default:
		return Period{}, fmt.Errorf("%q: unknown unit %q (use mo, y or d)", s, unit)
	}
	if p.Months > 120 || p.Days > 3660 {
		return Period{}, fmt.Errorf("%q: at most 10 years", s)
	}
	return p, nil
}
