package jobs

import (
	"bytes"
	"context"
	"embed"
	"fmt"
	htemplate "html/template"
	"net/url"
	"strconv"
	"strings"
	"sync"
	ttemplate "text/template"
	"time"

	"github.com/passerelle/passerelle/internal/mail"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// The e-mail templates: one text and one HTML template per e-mail, in every
// language; the words come from emailTexts in the recipient's language.
//
//go:embed emails/*.tmpl
var emailFS embed.FS

var (
	textEmails = ttemplate.Must(ttemplate.New("").ParseFS(emailFS, "emails/*.txt.tmpl"))
	htmlEmails = htemplate.Must(htemplate.New("").Funcs(htemplate.FuncMap{
		"lines": func(s string) []string { return strings.Split(s, "\n") },
	}).ParseFS(emailFS, "emails/*.html.tmpl"))
)

// emailTexts holds the words of the e-mails around their variable parts.
var emailTexts = map[string]map[string]string{
	"fr": {
		"hello":            "Bonjour %s,",
		"comment":          "Commentaire :",
		"link":             "Voir la fiche",
		"review":           "Relire la fiche",
		"footer":           "Vous recevez ce message parce que vous participez au réseau Passerelle.",
		"unsubscribe_link": "Se désabonner de ces messages",
		"preferences_link": "Mes préférences de messages",
		"digest_daily":     "Nouvelles fiches publiées depuis votre dernier récapitulatif quotidien :",
		"digest_weekly":    "Nouvelles fiches publiées depuis votre dernier récapitulatif hebdomadaire :",
		"digest_subject_1": "[Passerelle] Récapitulatif : 1 nouvelle fiche",
		"digest_subject_n": "[Passerelle] Récapitulatif : %d nouvelles fiches",
		"reminder_1":       "La fiche « %s » attend une relecture depuis %d jours.",
		"reminder_2":       "La fiche « %s » attend une relecture depuis %d jours ; ses modérateurs n’ont pas encore décidé, nous vous la signalons.",
		"reminder_subject": "[Passerelle] Rappel : « %s » attend une relecture",
	},
	"en": {
		"hello":            "Hello %s,",
		"comment":          "Comment:",
		"link":             "See the practice",
		"review":           "Review the practice",
		"footer":           "You receive this message because you take part in the Passerelle network.",
		"unsubscribe_link": "Unsubscribe from these messages",
		"preferences_link": "My message preferences",
		"digest_daily":     "New practices published since your last daily digest:",
		"digest_weekly":    "New practices published since your last weekly digest:",
		"digest_subject_1": "[Passerelle] Digest: 1 new practice",
		"digest_subject_n": "[Passerelle] Digest: %d new practices",
		"reminder_1":       "The practice “%s” has been waiting for review for %d days.",
		"reminder_2":       "The practice “%s” has been waiting for review for %d days; its moderators have not decided yet, so we let you know.",
		"reminder_subject": "[Passerelle] Reminder: “%s” is waiting for review",
	},
}

func emailWords(lang string) map[string]string {
	if t, ok := emailTexts[lang]; ok {
		return t
	}
	return emailTexts["fr"]
}

// emailItem is one practice listed in a digest.
type emailItem struct {
	Title, Territory, Summary, URL string
}

// emailData is what the e-mail templates receive.
type emailData struct {
	Lang           string
	Subject        string
	T              map[string]string // words, "hello" already filled with the name
	Message        string
	Comment        string
	Link           string
	Items          []emailItem
	Meetings       []emailItem // the meetings a digest lists
	UnsubscribeURL string
	PreferencesURL string
}

// secrets caches the unsubscribe secret of each database.
var secrets sync.Map // *store.DB → []byte

func unsubscribeSecret(ctx context.Context, db *store.DB) ([]byte, error) {
	if v, ok := secrets.Load(db); ok {
		return v.([]byte), nil
	}
	s, err := store.ServerSecret(ctx, db.Bun, "unsubscribe")
	if err != nil {
		return nil, err
	}
	secrets.Store(db, s)
	return s, nil
}

// UnsubscribeURL returns the one-click unsubscribe link that stops category
// for a user.
func UnsubscribeURL(baseURL string, secret []byte, userID int64, category passerelle.EmailCategory, now time.Time) string {
	tok := mail.SignUnsubscribe(secret, mail.Unsubscribe{UserID: userID, Category: string(category), Expires: now.Add(mail.UnsubscribeTTL)})
	return strings.TrimRight(baseURL, "/") + "/unsubscribe?token=" + url.QueryEscape(tok)
}

// render builds a message from the templates called name, with the list
// headers of the e-mails one can unsubscribe from: List-Id (RFC 2919),
// List-Unsubscribe (RFC 2369) and, over https, List-Unsubscribe-Post
// (RFC 8058).
func (d Deps) render(ctx context.Context, name, key string, u *passerelle.User, category passerelle.EmailCategory, data emailData) (*mail.Message, error) {
	secret, err := unsubscribeSecret(ctx, d.DB)
	if err != nil {
		return nil, err
	}
	words := emailWords(u.Lang)
	data.Lang = u.Lang
	if data.Lang != "en" {
		data.Lang = "fr"
	}
	data.T = make(map[string]string, len(words))
	for k, v := range words {
		data.T[k] = v
	}
	data.T["hello"] = fmt.Sprintf(words["hello"], u.Name)
	data.UnsubscribeURL = UnsubscribeURL(d.BaseURL, secret, u.ID, category, time.Now())
	data.PreferencesURL = strings.TrimRight(d.BaseURL, "/") + "/preferences"
	var txt, htm bytes.Buffer
	if err := textEmails.ExecuteTemplate(&txt, name+".txt.tmpl", data); err != nil {
		return nil, err
	}
	if err := htmlEmails.ExecuteTemplate(&htm, name+".html.tmpl", data); err != nil {
		return nil, err
	}
	headers := map[string]string{
		"List-Id":          mail.ListID(d.BaseURL),
		"List-Unsubscribe": "<" + data.UnsubscribeURL + ">",
	}
	// One-click unsubscription (RFC 8058) is for https links only: mail
	// providers never post to a plain http one.
	if strings.HasPrefix(data.UnsubscribeURL, "https://") {
		headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
	}
	return &mail.Message{Key: key, To: u.Email, ToName: u.Name, Subject: data.Subject, Text: txt.String(), HTML: htm.String(),
		Headers: headers}, nil
}

// notificationEmail is the e-mail of one in-app notification.
func (d Deps) notificationEmail(ctx context.Context, u *passerelle.User, n *passerelle.Notification, p *passerelle.Practice, ev *passerelle.Event) (*mail.Message, error) {
	t := textsFor(u.Lang)
	data := emailData{Subject: "[Passerelle] " + fmt.Sprintf(t[n.Type].subject, p.Title), Message: n.Message,
		Comment: ev.Comment, Link: PracticeURL(d.BaseURL, p.ID)}
	return d.render(ctx, "notification", "notification-"+strconv.FormatInt(n.ID, 10), u, passerelle.CategoryOf(n.Type), data)
}
