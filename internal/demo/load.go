package demo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/reference"
)

// StalePractice is the title of the demo's sheet published 30 months ago,
// older than the default review period (--review-after): it reads "à
// actualiser" once its author was asked, until someone confirms it.
var StalePractice = Practices[0].Title

// ErrNotEmpty is returned by Load when the database already holds data.
var ErrNotEmpty = errors.New("the database is not empty: demo data is only loaded into an empty database")

// Load puts the demo data set into an empty database, through the same
// service methods people use: practices are written, submitted and approved
// by their demo authors and moderators, so their histories are real.
func Load(ctx context.Context, svc *service.Service) error {
	empty, err := store.IsEmpty(ctx, svc.DB.Read)
	if err != nil {
		return err
	}
	if !empty {
		return ErrNotEmpty
	}
	// The territories are the region's reference file, imported as an
	// administrator would; the demo adds its priority neighbourhoods (and
	// anything else of Territories the file lacks) below them.
	if _, err := svc.ImportTerritories(ctx, nil, "territories-hauts-de-france.csv", bytes.NewReader(reference.HautsDeFrance)); err != nil {
		return fmt.Errorf("reference territories: %w", err)
	}
	snap, err := svc.Snapshot(ctx)
	if err != nil {
		return err
	}
	for _, t := range Territories {
		if snap.Tree().Get(t.Code) != nil {
			continue
		}
		err := svc.AddTerritory(ctx, nil, passerelle.Territory{Code: t.Code, Name: t.Name, Level: passerelle.Level(t.Level), ParentCode: t.Parent})
		if err != nil {
			return fmt.Errorf("territory %s: %w", t.Code, err)
		}
	}
	for _, t := range Themes {
		if err := svc.AddTheme(ctx, nil, passerelle.Theme{Slug: t.Slug, Name: t.Name}); err != nil {
			return fmt.Errorf("theme %s: %w", t.Slug, err)
		}
	}
	users := map[string]*passerelle.User{}
	for _, a := range Accounts {
		u, err := svc.CreateUser(ctx, service.NewUser{Email: a.Email, Name: a.Name, Password: a.Password, Admin: a.Admin, Lang: "fr"})
		if err != nil {
			return fmt.Errorf("account %s: %w", a.Email, err)
		}
		users[a.Email] = u
		for _, g := range a.Grants {
			if err := svc.Grant(ctx, nil, service.GrantInput{Email: a.Email, Role: g.Role, Territory: g.Territory}); err != nil {
				return fmt.Errorf("grant %s to %s: %w", g.Role, a.Email, err)
			}
		}
	}
	approver := users[emailRegion] // moderates the whole region
	published := map[string]int64{}
	for _, p := range Practices {
		author := users[p.Author]
		created, err := svc.CreatePractice(ctx, author, input(p))
		if err != nil {
			return fmt.Errorf("practice %q: %w", p.Title, err)
		}
		if p.Status == "draft" {
			continue
		}
		if _, err := svc.Submit(ctx, author, created.ID); err != nil {
			return fmt.Errorf("submit %q: %w", p.Title, err)
		}
		if p.Status == "published" {
			if _, err := svc.Decide(ctx, approver, created.ID, "approve", ""); err != nil {
				return fmt.Errorf("approve %q: %w", p.Title, err)
			}
			published[p.Title] = created.ID
		}
	}
	// One sheet older than the review period (24 months by default): its
	// author is asked to confirm it when the workers start.
	if id, ok := published[StalePractice]; ok {
		if err := store.BackdatePublication(ctx, svc.DB.Bun, id, time.Now().AddDate(-2, -6, 0)); err != nil {
			return fmt.Errorf("backdate %q: %w", StalePractice, err)
		}
	}
	return loadMeetings(ctx, svc, users, published, time.Now()) // meetings.go
}

func input(p Practice) service.PracticeInput {
	kind := passerelle.Kind(p.Kind)
	themes := append([]string(nil), p.Themes...)
	in := service.PracticeInput{Kind: &kind, Title: &p.Title, Summary: &p.Summary, Body: &p.Body, Territory: &p.Territory, Themes: &themes}
	if e := p.Experience; e != nil {
		partners := append([]string(nil), e.Partners...)
		in.Experience = &service.ExperienceInput{Context: &e.Context, Actions: &e.Actions, Results: &e.Results, Lessons: &e.Lessons,
			Partners: &partners, StartedOn: &e.StartedOn, EndedOn: &e.EndedOn}
	}
	if t := p.Tool; t != nil {
		audience, languages := append([]string(nil), t.Audience...), append([]string(nil), t.Languages...)
		in.Tool = &service.ToolInput{Audience: &audience, Languages: &languages, Format: &t.Format, Duration: &t.Duration, License: &t.License}
	}
	return in
}

// Loaded reports whether the demo accounts exist, so that the start-up
// message can print the demo logins.
func Loaded(ctx context.Context, svc *service.Service) bool {
	_, _, err := store.UserByEmail(ctx, svc.DB.Read, emailAdmin)
	return err == nil
}

// TerritoryCodes returns the code of every territory Load creates: those of
// the reference file and the demo's own (its priority neighbourhoods).
func TerritoryCodes() []string {
	var codes []string
	seen := map[string]bool{}
	rows, _ := passerelle.ParseTerritoryCSV(bytes.NewReader(reference.HautsDeFrance))
	for _, r := range rows {
		seen[r.Territory.Code] = true
		codes = append(codes, r.Territory.Code)
	}
	for _, t := range Territories {
		if !seen[t.Code] {
			seen[t.Code] = true
			codes = append(codes, t.Code)
		}
	}
	return codes
}
