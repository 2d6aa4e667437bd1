package view

import (
	"html/template"
	"time"
)

func init() {
	// The moderator's desk.
	Pages = append(Pages, "desk", "follow", "figures")
}

// DeskItem is a submission on a moderator's desk: Waiting is how long it
// has waited, in words ("3 jours"); Overdue, whether longer than the desk's
// delay.
type DeskItem struct {
	QueueItem
	Waiting string
	Overdue bool
	// ReturnedTo names who holds an unclaimed resubmission — the
	// moderator who asked for its changes; ReturnedMine, whether that is
	// the viewer.
	ReturnedTo   string
	ReturnedMine bool
}

// DeskData is the Data of the "desk" page: the submissions the moderator
// holds, those nobody holds, those another moderator holds, and those
// waiting too long — each oldest first.
type DeskData struct {
	Held, Waiting, HeldByOthers, Overdue []DeskItem
	// OverdueAfter is the delay after which a submission is overdue, in
	// words ("7 jours").
	OverdueAfter string
	Total        int
	// ToRefresh are the published practices whose authors were asked to
	// confirm them and that nobody confirmed since ("à actualiser").
	ToRefresh []DeskRefresh
	// Charts are the figures of the moderator's territories.
	Charts []ChartView
}

// DeskRefresh is a published practice to be confirmed current: when it was
// last known current, and when its author was asked.
type DeskRefresh struct {
	PracticeCard
	VerifiedAt *time.Time
	AskedAt    time.Time
}

// Duration says how long d lasts, in words: "3 jours", "10 minutes",
// "moins d'une minute"; months count 30 days and years 365. It is a length
// of time, not a moment: "en attente depuis 3 jours", never "depuis il y a".
func (t *Translator) Duration(d time.Duration) string {
	switch {
	case d < time.Minute:
		return t.T("desk.duration.moment")
	case d < time.Hour:
		return t.N("desk.duration.minutes", int(d/time.Minute))
	case d < 24*time.Hour:
		return t.N("desk.duration.hours", int(d/time.Hour))
	case d < 30*24*time.Hour:
		return t.N("desk.duration.days", int(d/(24*time.Hour)))
	case d < 365*24*time.Hour:
		return t.N("desk.duration.months", int(d/(30*24*time.Hour)))
	default:
		return t.N("desk.duration.years", int(d/(365*24*time.Hour)))
	}
}

// waitedSince says how long ago t was as a length of time ("3 jours"),
// for "en attente depuis …".
func (t *Translator) waitedSince(at time.Time) string {
	return t.Duration(now().Sub(at))
}

// FollowData is the Data of the "follow" page: following one territory or
// one theme, the frequency chosen after the click. Territory or Theme is
// the code or slug followed, Name its name, Back its page; Following the
// frequency of the viewer's subscription to it, if any; SignedIn false for
// an anonymous visitor, whom the form takes through the login and back.
type FollowData struct {
	Territory, Theme, Name, Back string
	Frequency, Following         string
	SignedIn                     bool
	Errors                       []FormError
}

// ChartView is a chart drawn on the server (internal/chart) and the table
// of its numbers beside it: Caption names the table, Columns its value
// columns (the first column holds the labels, under LabelColumn).
type ChartView struct {
	ID, Title   string
	SVG         template.HTML
	Caption     string
	LabelColumn string
	Columns     []string
	Rows        []ChartRow
}

// ChartRow is a line of a chart's table.
type ChartRow struct {
	Label  string
	Values []string
}

// FiguresData is the Data of the "figures" page (administrators), and the
// charts of the desk (DeskData.Charts).
type FiguresData struct {
	Charts []ChartView
}
