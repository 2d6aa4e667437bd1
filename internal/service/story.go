package service

import (
	"context"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// StoryLimit is how many of the most travelled practices the home page
// shows.
const StoryLimit = 4

// Story is what the home page tells of the network: published practices
// per theme (most first; per department, the map tells), those that
// travelled most, and the next network meeting.
type Story struct {
	Themes    []store.Facet
	Travelled []Travelled
	Next      *passerelle.Meeting // nil: none planned
}

// Travelled is a published practice and the number of territories it was
// reused in.
type Travelled struct {
	Practice *passerelle.Practice
	Count    int
}

// NetworkStory gathers the home page's story, from published practices and
// public meetings only.
func (s *Service) NetworkStory(ctx context.Context) (*Story, error) {
	all, err := s.Published(ctx, ListQuery{}, true)
	if err != nil {
		return nil, err
	}
	st := &Story{Themes: all.Facets["theme"]}
	top, err := store.MostTravelled(ctx, s.DB.Read, StoryLimit)
	if err != nil {
		return nil, err
	}
	for _, tc := range top {
		p, err := s.PublishedPractice(ctx, nil, tc.PracticeID)
		if passerelle.ErrorCode(err) == passerelle.ENotFound {
			continue // unpublished since
		} else if err != nil {
			return nil, err
		}
		st.Travelled = append(st.Travelled, Travelled{Practice: p, Count: tc.Count})
	}
	next, err := s.Meetings(ctx, MeetingQuery{When: "upcoming", PerPage: 1})
	if err != nil {
		return nil, err
	}
	if len(next.Items) > 0 {
		st.Next = next.Items[0]
	}
	return st, nil
}
