package service_test

import (
	"context"
	"maps"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/testenv"
)

func TestOpenDataHarvest(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		svc := b.Service
		ctx := context.Background()
		odPublish := func(author *passerelle.User, territory, title string) *passerelle.Practice {
			t.Helper()
			p, err := svc.CreatePractice(ctx, author, testenv.CompleteExperience(territory, title))
			if err == nil {
				_, err = svc.Submit(ctx, author, p.ID)
			}
			if err == nil {
				p, err = svc.Decide(ctx, w.RegionMod, p.ID, "approve", "")
			}
			if err != nil {
				t.Fatal(err)
			}
			return p
		}
		lille := odPublish(w.LilleAuthor, "59350", "À Lille")
		moulins := odPublish(w.MoulinsAuthor, "qpv-moulins", "Aux Moulins")
		roubaix := odPublish(w.RoubaixAuthor, "59512", "À Roubaix")
		archived := odPublish(w.LilleAuthor, "59350", "Archivée")
		if _, err := svc.Archive(ctx, w.NordMod, archived.ID, "Obsolète."); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CreatePractice(ctx, w.LilleAuthor, testenv.CompleteExperience("59350", "Brouillon")); err != nil {
			t.Fatal(err)
		}

		t.Run("unknown filter values are named", func(t *testing.T) {
			until := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
			from := until.Add(time.Hour)
			_, err := svc.Harvest(ctx, service.HarvestQuery{Territory: "atlantis", Theme: "cuisine", Kind: "poem", From: &from, Until: &until})
			var e *passerelle.Error
			if passerelle.ErrorCode(err) != passerelle.EValidation {
				t.Fatalf("err = %v, want validation_failed", err)
			}
			e = err.(*passerelle.Error)
			want := map[string]string{"territory": "unknown", "theme": "unknown", "kind": "unknown", "until": "invalid"}
			if !maps.Equal(e.Fields, want) {
				t.Errorf("fields = %v, want %v", e.Fields, want)
			}
			if _, err := svc.HarvestCount(ctx, service.HarvestQuery{Territory: "atlantis"}); passerelle.ErrorCode(err) != passerelle.EValidation {
				t.Errorf("count with an unknown territory: %v", err)
			}
		})

		t.Run("published only, by territory and below, in pages", func(t *testing.T) {
			tests := []struct {
				name string
				q    service.HarvestQuery
				want []int64
			}{
				{"all, oldest first", service.HarvestQuery{Limit: 2}, []int64{lille.ID, moulins.ID, roubaix.ID}},
				{"all, newest first", service.HarvestQuery{Limit: 1, NewestFirst: true}, []int64{roubaix.ID, moulins.ID, lille.ID}},
				{"Lille and below", service.HarvestQuery{Territory: "59350"}, []int64{lille.ID, moulins.ID}},
				{"Pas-de-Calais", service.HarvestQuery{Territory: "62"}, nil},
				{"theme", service.HarvestQuery{Theme: "emploi", Kind: "experience"}, []int64{lille.ID, moulins.ID, roubaix.ID}},
				{"other theme", service.HarvestQuery{Theme: "education"}, nil},
			}
			for _, tt := range tests {
				t.Run(tt.name, func(t *testing.T) {
					var got []int64
					q := tt.q
					for range 10 {
						page, err := svc.Harvest(ctx, q)
						if err != nil {
							t.Fatal(err)
						}
						if q.Limit > 0 && len(page.Items) > q.Limit {
							t.Fatalf("page of %d, limit %d", len(page.Items), q.Limit)
						}
						for _, p := range page.Items {
							if p.Status != passerelle.StatusPublished || p.PublishedAt == nil || len(p.Themes) == 0 || p.AuthorName == "" {
								t.Errorf("practice %d: %s, themes %v, author %q", p.ID, p.Status, p.Themes, p.AuthorName)
							}
							got = append(got, p.ID)
						}
						if page.Next == nil {
							break
						}
						q.After = page.Next
					}
					if len(got) != len(tt.want) {
						t.Fatalf("got %v, want %v", got, tt.want)
					}
					for i := range got {
						if got[i] != tt.want[i] {
							t.Fatalf("got %v, want %v", got, tt.want)
						}
					}
					tt.q.Limit = 0
					if n, err := svc.HarvestCount(ctx, tt.q); err != nil || n != len(tt.want) {
						t.Errorf("count = %d, %v; want %d", n, err, len(tt.want))
					}
				})
			}
		})
	})
}
