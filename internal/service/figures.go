package service

import (
	"cmp"
	"context"
	"slices"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// Figures are the numbers of the review and of the catalogue over a
// moderator's territories (an administrator's: everything), for the charts
// of the desk and of the administration.
type Figures struct {
	// Months are the first days of the last twelve months, oldest first;
	// Submitted and Published count, per month, the submissions
	// (resubmissions included) and the publications.
	Months               []time.Time
	Submitted, Published []int
	// Waiting is the median time from a submission to its decision, per
	// department (the territory itself above or outside departments),
	// over the decisions of the last twelve months; longest first.
	Waiting []Wait
	// PerTheme and PerLevel count the published practices by theme
	// (largest first) and by level of their territory (in the order of
	// passerelle.Levels, empty levels left out).
	PerTheme, PerLevel []Tally
}

// Wait is the median wait of the decisions on one territory's practices.
type Wait struct {
	Territory *passerelle.Territory
	Median    time.Duration
	Decisions int
}

// Tally is a number of practices for one theme or level.
type Tally struct {
	Key, Name string
	N         int
}

// Figures returns the figures over actor's territories, as of now.
// Errors: unauthenticated, forbidden (neither a moderator nor an
// administrator).
func (s *Service) Figures(ctx context.Context, actor Actor, now time.Time) (*Figures, error) {
	if actor == nil {
		return nil, SignInNeeded()
	}
	snap, err := s.snapshot(ctx)
	if err != nil {
		return nil, err
	}
	var scope []string // nil: everything
	if !actor.IsAdmin() {
		if scope = snap.Scopes(actor, passerelle.PermReadQueue); len(scope) == 0 {
			return nil, forbidden("You are neither a moderator nor an administrator.")
		}
	}
	paris, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		return nil, err
	}
	local := now.In(paris)
	first := time.Date(local.Year(), local.Month()-11, 1, 0, 0, 0, 0, paris)
	f := &Figures{Submitted: make([]int, 12), Published: make([]int, 12)}
	for i := range 12 {
		f.Months = append(f.Months, first.AddDate(0, i, 0))
	}
	month := func(at time.Time) int {
		at = at.In(paris)
		return (at.Year()-first.Year())*12 + int(at.Month()) - int(first.Month())
	}
	// A year of decisions, and the submissions they answer (up to a year
	// before).
	events, err := store.ReviewEvents(ctx, s.DB.Read, first.AddDate(-1, 0, 0), scope)
	if err != nil {
		return nil, err
	}
	tree := snap.Tree()
	group := func(code string) string {
		for _, c := range tree.Chain(code) {
			if t := tree.Get(c); t != nil && t.Level == passerelle.LevelDepartment {
				return c
			}
		}
		return code
	}
	submitted := map[int64]time.Time{}
	waits := map[string][]float64{}
	for _, e := range events {
		m := month(e.At)
		switch passerelle.Action(e.Action) {
		case passerelle.ActionSubmit:
			submitted[e.PracticeID] = e.At
			if m >= 0 && m < 12 {
				f.Submitted[m]++
			}
			continue
		case passerelle.ActionApprove:
			if m >= 0 && m < 12 {
				f.Published[m]++
			}
		}
		if at, ok := submitted[e.PracticeID]; ok && m >= 0 {
			g := group(e.Territory)
			waits[g] = append(waits[g], e.At.Sub(at).Seconds())
			delete(submitted, e.PracticeID)
		}
	}
	for code, ws := range waits {
		t := tree.Get(code)
		if t == nil {
			t = &passerelle.Territory{Code: code, Name: code}
		}
		f.Waiting = append(f.Waiting, Wait{Territory: t, Median: time.Duration(median(ws) * float64(time.Second)), Decisions: len(ws)})
	}
	slices.SortFunc(f.Waiting, func(a, b Wait) int {
		return cmp.Or(cmp.Compare(b.Median, a.Median), cmp.Compare(a.Territory.Name, b.Territory.Name))
	})
	themes, err := store.PublishedPerTheme(ctx, s.DB.Read, scope)
	if err != nil {
		return nil, err
	}
	for _, c := range themes {
		name := c.Key
		if th := snap.Theme(c.Key); th != nil {
			name = th.Name
		}
		f.PerTheme = append(f.PerTheme, Tally{Key: c.Key, Name: name, N: c.N})
	}
	slices.SortFunc(f.PerTheme, func(a, b Tally) int { return cmp.Or(cmp.Compare(b.N, a.N), cmp.Compare(a.Name, b.Name)) })
	places, err := store.PublishedPerTerritory(ctx, s.DB.Read, scope)
	if err != nil {
		return nil, err
	}
	levels := map[passerelle.Level]int{}
	for _, c := range places {
		if t := tree.Get(c.Key); t != nil {
			levels[t.Level] += c.N
		} else {
			levels[passerelle.LevelOther] += c.N
		}
	}
	for _, l := range passerelle.Levels {
		if n := levels[l]; n > 0 {
			f.PerLevel = append(f.PerLevel, Tally{Key: string(l), N: n})
		}
	}
	return f, nil
}

// median returns the median of values, which are not empty.
func median(values []float64) float64 {
	s := slices.Clone(values)
	slices.Sort(s)
	if n := len(s); n%2 == 1 {
		return s[n/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}
