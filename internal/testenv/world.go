package testenv

import (
	"context"
	"testing"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
)

// Password is the password of every account of World.
const Password = "correct horse battery staple"

// World is a small territory tree with an account for each role:
//
//	32 Hauts-de-France (region)            moderator: RegionMod
//	├── 59 Nord (department)               moderator: NordMod
//	│   ├── 59350 Lille (commune)          contributor: LilleAuthor
//	│   │   └── qpv-moulins (qpv)          contributor: MoulinsAuthor
//	│   └── 59512 Roubaix (commune)        contributor: RoubaixAuthor
//	└── 62 Pas-de-Calais (department)      moderator: PasMod
//	    └── 62193 Calais (commune)
//
// plus Admin (administrator), Reader (no role) and ModAuthor, who is both
// contributor and moderator on Lille.
type World struct {
	Admin, RegionMod, NordMod, PasMod, LilleAuthor, MoulinsAuthor, RoubaixAuthor, ModAuthor, Reader *passerelle.User
}

// Themes of World.
var Themes = []passerelle.Theme{
	{Slug: "emploi", Name: "Emploi"},
	{Slug: "education", Name: "Éducation"},
	{Slug: "lutte-contre-les-discriminations", Name: "Lutte contre les discriminations"},
}

// NewWorld fills the bundle's database with World.
func NewWorld(t testing.TB, b *Bundle) *World {
	t.Helper()
	ctx := context.Background()
	svc := b.Service
	for _, ter := range []passerelle.Territory{
		{Code: "32", Name: "Hauts-de-France", Level: passerelle.LevelRegion},
		{Code: "59", Name: "Nord", Level: passerelle.LevelDepartment, ParentCode: "32"},
		{Code: "62", Name: "Pas-de-Calais", Level: passerelle.LevelDepartment, ParentCode: "32"},
		{Code: "59350", Name: "Lille", Level: passerelle.LevelCommune, ParentCode: "59"},
		{Code: "59512", Name: "Roubaix", Level: passerelle.LevelCommune, ParentCode: "59"},
		{Code: "62193", Name: "Calais", Level: passerelle.LevelCommune, ParentCode: "62"},
		{Code: "qpv-moulins", Name: "Moulins", Level: passerelle.LevelQPV, ParentCode: "59350"},
	} {
		if err := svc.AddTerritory(ctx, nil, ter); err != nil {
			t.Fatal(err)
		}
	}
	for _, th := range Themes {
		if err := svc.AddTheme(ctx, nil, th); err != nil {
			t.Fatal(err)
		}
	}
	user := func(email, name string, admin bool, grants ...[2]string) *passerelle.User {
		u, err := svc.CreateUser(ctx, service.NewUser{Email: email, Name: name, Password: Password, Admin: admin, Lang: "fr"})
		if err != nil {
			t.Fatal(err)
		}
		for _, g := range grants {
			if err := svc.Grant(ctx, nil, service.GrantInput{Email: email, Role: g[0], Territory: g[1]}); err != nil {
				t.Fatal(err)
			}
		}
		return u
	}
	return &World{
		Admin:         user("admin@example.org", "Alice Admin", true),
		RegionMod:     user("region.mod@example.org", "Régis Région", false, [2]string{"moderator", "32"}),
		NordMod:       user("nord.mod@example.org", "Nora Nord", false, [2]string{"moderator", "59"}),
		PasMod:        user("pas.mod@example.org", "Pascal Calais", false, [2]string{"moderator", "62"}),
		LilleAuthor:   user("lille@example.org", "Lila Lille", false, [2]string{"contributor", "59350"}),
		MoulinsAuthor: user("moulins@example.org", "Moussa Moulins", false, [2]string{"contributor", "qpv-moulins"}),
		RoubaixAuthor: user("roubaix@example.org", "Rose Roubaix", false, [2]string{"contributor", "59512"}),
		ModAuthor:     user("modauthor@example.org", "Max Double", false, [2]string{"contributor", "59350"}, [2]string{"moderator", "59350"}),
		Reader:        user("reader@example.org", "Renée Lectrice", false),
	}
}

// CompleteExperience returns the input of a complete experience report on
// territory, ready to be submitted.
func CompleteExperience(territory, title string) service.PracticeInput {
	kind := passerelle.KindExperience
	s := func(v string) *string { return &v }
	themes := []string{"emploi"}
	partners := []string{"Mission locale", "France Travail"}
	return service.PracticeInput{
		Kind: &kind, Title: s(title), Summary: s("Un forum de recrutement avec CV anonymes."),
		Body: s("## Le forum\n\nDes **entreprises** rencontrent des habitants du quartier."), Territory: s(territory), Themes: &themes,
		Experience: &service.ExperienceInput{Context: s("Chômage élevé des jeunes."), Actions: s("Un forum par an."),
			Results: s("42 embauches."), Lessons: s("Préparer les entreprises."), Partners: &partners,
			StartedOn: s("2024-01-15"), EndedOn: s("2024-06-30")},
	}
}
