package jobs

import (
	"fmt"

	"github.com/passerelle/passerelle/internal/passerelle"
)

// text is what a notification says in one language.
type text struct {
	inApp   string // %[1]s: practice title, %[2]s: actor name
	subject string // %[1]s: practice title
	comment string // label before the moderator's comment
	link    string // label of the link to the practice
	hello   string // %s: recipient name
	footer  string
}

var texts = map[string]map[string]text{
	"fr": {
		passerelle.NotifySubmitted: {
			inApp:   "« %[1]s » a été soumise pour relecture par %[2]s.",
			subject: "Nouvelle fiche à relire : « %[1]s »",
		},
		passerelle.NotifyPublished: {
			inApp:   "Votre fiche « %[1]s » a été publiée par %[2]s.",
			subject: "Votre fiche « %[1]s » est publiée",
		},
		passerelle.NotifyChangesRequested: {
			inApp:   "%[2]s demande des modifications sur votre fiche « %[1]s ».",
			subject: "Modifications demandées sur « %[1]s »",
		},
		passerelle.NotifyRejected: {
			inApp:   "Votre fiche « %[1]s » n’a pas été retenue par %[2]s.",
			subject: "Votre fiche « %[1]s » n’a pas été retenue",
		},
		passerelle.NotifyNew: {
			inApp:   "Nouvelle fiche publiée : « %[1]s ».",
			subject: "Nouvelle fiche : « %[1]s »",
		},
		passerelle.NotifyComment: {
			inApp:   "%[2]s a écrit un commentaire sur la fiche « %[1]s ».",
			subject: "Nouveau commentaire sur « %[1]s »",
		},
		"": {
			comment: "Commentaire :",
			link:    "Voir la fiche",
			hello:   "Bonjour %s,",
			footer:  "Vous recevez ce message parce que vous participez au réseau Passerelle.",
		},
	},
	"en": {
		passerelle.NotifySubmitted: {
			inApp:   "“%[1]s” was submitted for review by %[2]s.",
			subject: "New practice to review: “%[1]s”",
		},
		passerelle.NotifyPublished: {
			inApp:   "Your practice “%[1]s” was published by %[2]s.",
			subject: "Your practice “%[1]s” is published",
		},
		passerelle.NotifyChangesRequested: {
			inApp:   "%[2]s asks for changes to your practice “%[1]s”.",
			subject: "Changes requested on “%[1]s”",
		},
		passerelle.NotifyRejected: {
			inApp:   "Your practice “%[1]s” was not accepted by %[2]s.",
			subject: "Your practice “%[1]s” was not accepted",
		},
		passerelle.NotifyNew: {
			inApp:   "New practice published: “%[1]s”.",
			subject: "New practice: “%[1]s”",
		},
		passerelle.NotifyComment: {
			inApp:   "%[2]s commented on the practice “%[1]s”.",
			subject: "New comment on “%[1]s”",
		},
		"": {
			comment: "Comment:",
			link:    "See the practice",
			hello:   "Hello %s,",
			footer:  "You receive this message because you take part in the Passerelle network.",
		},
	},
}

func textsFor(lang string) map[string]text {
	if t, ok := texts[lang]; ok {
		return t
	}
	return texts["fr"]
}

// InAppMessage returns the in-app message of a notification in lang.
func InAppMessage(lang, typ, title, actor string) string {
	return fmt.Sprintf(textsFor(lang)[typ].inApp, title, actor)
}
