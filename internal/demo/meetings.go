package demo

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
)

// The network meetings of the demo: the November anti-discrimination
// meeting at the regional resource centre, held, with its record and the
// three practices presented there; and an upcoming meeting of the Nord with
// a few registrations, a waiting list and a proposal for its agenda. They go
// through the service like everything else, so their journal, agenda and
// registrations are real.

// PastMeetingTitle and UpcomingMeetingTitle name the demo's meetings.
const (
	PastMeetingTitle     = "Lutte contre les discriminations\u00a0: rencontre de réseau"
	UpcomingMeetingTitle = "Accès aux droits et numérique\u00a0: rencontre du réseau du Nord"
)

// pastMeetingPractices are the practices presented at the November meeting,
// by title, with their speaker.
var pastMeetingPractices = []struct{ Title, Speaker, At string }{
	{"Un forum de recrutement sur CV anonyme à Lille-Sud", "Sophie Lemaire", "10:00"},
	{"Kit de formation des agents d’accueil à la prévention des discriminations", "Sophie Lemaire", "10:45"},
	{"« Cartes sur table » : un jeu sur les stéréotypes pour les collégiens", "Mehdi Haddad", "11:30"},
}

const pastMeetingDescription = `Une matinée d’échanges entre chef·fes de projet politique de la ville, agents de développement et associations sur la prévention des discriminations.

- **Accueil** à 9 h 30 au centre de ressources ;
- **trois retours d’expérience** présentés par leurs auteur·es, suivis d’un temps de questions ;
- **atelier** : comment essaimer ces actions dans vos quartiers.

Les supports seront partagés avec le compte rendu.`

const pastMeetingRecord = `## Ce qu’il faut retenir

Vingt-deux participant·es de onze territoires des Hauts-de-France ont échangé sur la prévention des discriminations à l’embauche, dans l’accueil des services publics et auprès des collégiens.

### Trois pratiques présentées

1. **Le forum de recrutement sur CV anonyme** de Lille-Sud : les entreprises rencontrent les candidat·es sans voir ni nom ni adresse. Clé du succès : préparer les recruteurs en amont.
2. **Le kit de formation des agents d’accueil** : deux demi-journées, des mises en situation filmées ; la ville de Lille le met à disposition sous licence libre.
3. **« Cartes sur table »**, le jeu sur les stéréotypes créé à Roubaix : testé dans quatre collèges, il tient en une séance de 55 minutes.

### Pour essaimer

- Calais et Lens souhaitent reprendre le kit d’accueil en 2027 ;
- un groupe de travail sur les forums de recrutement se réunira au printemps.

Les diaporamas sont joints à ce compte rendu.`

const upcomingMeetingDescription = `Rencontre du réseau des quartiers prioritaires du Nord sur l’accès aux droits et l’inclusion numérique.

Au programme : des permanences qui fonctionnent, la médiation numérique, et un temps pour préparer les actions de l’année. **Places limitées** : inscrivez-vous, une liste d’attente prend le relais quand c’est complet.`

// lastNovember15 returns the most recent 15 November, at 09:30 in Paris,
// that is at least a week past.
func lastNovember15(now time.Time) time.Time {
	t := now.In(passerelle.MeetingZone)
	d := time.Date(t.Year(), time.November, 15, 9, 30, 0, 0, passerelle.MeetingZone)
	if d.After(now.Add(-7 * 24 * time.Hour)) {
		d = d.AddDate(-1, 0, 0)
	}
	return d
}

// frenchSpaces puts the non-breaking spaces of French typography in the
// demo's texts (before : ; ! ? and inside « »).
var frenchSpaces = strings.NewReplacer(" :", "\u00a0:", " ;", "\u00a0;", " !", "\u00a0!", " ?", "\u00a0?", "« ", "«\u00a0", " »", "\u00a0»")

func stamp(t time.Time) *string {
	s := t.Format(time.RFC3339)
	return &s
}

// loadMeetings adds the demo's meetings; practices maps titles to ids.
func loadMeetings(ctx context.Context, svc *service.Service, users map[string]*passerelle.User, practices map[string]int64, now time.Time) error {
	region, nord := users[emailRegion], users[emailNord]
	discrimination := []string{"lutte-contre-les-discriminations"}

	// The November meeting at the resource centre: held, recorded.
	start := lastNovember15(now)
	title, territory := PastMeetingTitle, "32"
	place, desc, capacity := "IREV, centre de ressources politique de la ville, 4 rue de Trévise, Lille", frenchSpaces.Replace(pastMeetingDescription), 40
	past, err := svc.CreateMeeting(ctx, region, service.MeetingInput{Title: &title, Territory: &territory, Themes: &discrimination,
		Description: &desc, Place: &place, Capacity: &capacity, StartsAt: stamp(start), EndsAt: stamp(start.Add(3 * time.Hour))})
	if err != nil {
		return fmt.Errorf("meeting %q: %w", title, err)
	}
	for _, p := range pastMeetingPractices {
		id, ok := practices[p.Title]
		if !ok {
			return fmt.Errorf("meeting %q: no practice %q", title, p.Title)
		}
		at := start.Format("2006-01-02") + "T" + p.At
		if _, err := svc.AddToAgenda(ctx, region, past.ID, service.AgendaInput{PracticeID: id, Speaker: p.Speaker, StartsAt: at}); err != nil {
			return fmt.Errorf("agenda of %q: %w", title, err)
		}
	}
	if _, err := svc.PublishRecord(ctx, region, past.ID, frenchSpaces.Replace(pastMeetingRecord)); err != nil {
		return fmt.Errorf("record of %q: %w", title, err)
	}

	// The upcoming meeting of the Nord: three seats taken, one person
	// waiting, a proposal for the agenda.
	d := now.In(passerelle.MeetingZone).AddDate(0, 0, 24)
	ustart := time.Date(d.Year(), d.Month(), d.Day(), 14, 0, 0, 0, passerelle.MeetingZone)
	title, territory = UpcomingMeetingTitle, "59"
	place, desc, capacity = "Maison de l’emploi, 2 boulevard de Belfort, Roubaix", frenchSpaces.Replace(upcomingMeetingDescription), 3
	online := "https://visio.passerelle.test/reseau-nord"
	themes := []string{"acces-aux-droits", "citoyennete"}
	deadline := ustart.Add(-48 * time.Hour)
	upcoming, err := svc.CreateMeeting(ctx, nord, service.MeetingInput{Title: &title, Territory: &territory, Themes: &themes,
		Description: &desc, Place: &place, OnlineURL: &online, Capacity: &capacity, StartsAt: stamp(ustart),
		EndsAt: stamp(ustart.Add(150 * time.Minute)), RegistrationDeadline: stamp(deadline)})
	if err != nil {
		return fmt.Errorf("meeting %q: %w", title, err)
	}
	for _, email := range []string{emailLille, emailRoubaix, emailPasCalais, emailReader} {
		if _, err := svc.Register(ctx, users[email], upcoming.ID); err != nil {
			return fmt.Errorf("registration of %s to %q: %w", email, title, err)
		}
	}
	access := "Une permanence d’accès aux droits et au numérique à la Grande Résidence"
	if _, err := svc.AddToAgenda(ctx, nord, upcoming.ID, service.AgendaInput{PracticeID: practices[access], Speaker: "Julie Caron"}); err != nil {
		return fmt.Errorf("agenda of %q: %w", title, err)
	}
	guide := "Guide du locataire pendant le renouvellement urbain"
	if _, err := svc.AddToAgenda(ctx, users[emailRoubaix], upcoming.ID, service.AgendaInput{PracticeID: practices[guide],
		Comment: "Vingt minutes, avec le guide imprimé à distribuer."}); err != nil {
		return fmt.Errorf("proposal for %q: %w", title, err)
	}
	return nil
}
