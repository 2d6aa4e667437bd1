package jobs

import (
	"context"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// meetingDigest is the meeting news a digest run covers: the news up to
// upto, the watermark of each subscription, and the meetings concerned.
type meetingDigest struct {
	upto     int64
	marks    map[int64]int64 // subscription id → last news covered
	news     []store.MeetingNews
	meetings map[int64]*passerelle.Meeting
}

// meetingNewsFor reads the meeting news digest subscribers have not heard
// of yet, up to upto.
func meetingNewsFor(ctx context.Context, db *store.DB, subs []store.DigestSubscription, upto int64) (*meetingDigest, error) {
	ids := make([]int64, len(subs))
	for i, s := range subs {
		ids[i] = s.ID
	}
	marks, err := store.DigestNewsWatermarks(ctx, db.Read, ids)
	if err != nil {
		return nil, err
	}
	from := upto
	for _, m := range marks {
		from = min(from, m)
	}
	md := &meetingDigest{upto: upto, marks: marks}
	md.news, md.meetings, err = store.MeetingNewsBetween(ctx, db.Read, from, upto)
	return md, err
}

// itemsFor returns, for the subscriptions of one user, those whose meeting
// watermark is behind and the news they match: meetings still planned or
// held, of their territory or themes, not made by the user themself.
func (md *meetingDigest) itemsFor(userID int64, subs []store.DigestSubscription, chains map[string][]string) (subIDs, items []int64) {
	seen := map[int64]bool{}
	for _, s := range subs {
		mark := md.marks[s.ID]
		if mark >= md.upto {
			continue
		}
		subIDs = append(subIDs, s.ID)
		for _, n := range md.news {
			m := md.meetings[n.MeetingID]
			if n.ID <= mark || seen[n.ID] || m == nil || n.ActorID == userID || m.Status == passerelle.MeetingCancelled {
				continue
			}
			if s.MatchesMeeting(m, chains[m.TerritoryCode]) {
				seen[n.ID] = true
				items = append(items, n.ID)
			}
		}
	}
	return subIDs, items
}

// digestMeetings returns the meetings a digest lists, as they are now
// (cancelled ones left out), in lang.
func (d Deps) digestMeetings(ctx context.Context, digestID int64, lang string) ([]emailItem, error) {
	news, err := store.DigestMeetingNews(ctx, d.DB.Read, digestID)
	if err != nil || len(news) == 0 {
		return nil, err
	}
	ids := make([]int64, len(news))
	for i, n := range news {
		ids[i] = n.MeetingID
	}
	ms, err := store.MeetingsByID(ctx, d.DB.Read, ids)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*passerelle.Meeting{}
	for _, m := range ms {
		byID[m.ID] = m
	}
	snap, err := d.Authz.Refresh(ctx)
	if err != nil {
		return nil, err
	}
	var out []emailItem
	for _, n := range news {
		m := byID[n.MeetingID]
		if m == nil || m.Status == passerelle.MeetingCancelled {
			continue
		}
		it := emailItem{Title: m.Title, Territory: m.TerritoryCode, Summary: MeetingWhen(lang, m), URL: MeetingURL(d.BaseURL, m.ID)}
		if t := snap.Tree().Get(m.TerritoryCode); t != nil {
			it.Territory = t.Name
		}
		if n.Kind == passerelle.NewsRecord {
			it.Summary = words(lang).T("mail.digest.record")
		}
		out = append(out, it)
	}
	return out, nil
}
