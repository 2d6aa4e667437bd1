package jobs

import (
	"bytes"
	"context"
	"embed"
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
// language; the words come from the locale files (see words) in the
// recipient's language.
//
//go:embed emails/*.tmpl
var emailFS embed.FS

var (
	textEmails = ttemplate.Must(ttemplate.New("").ParseFS(emailFS, "emails/*.txt.tmpl"))
	htmlEmails = htemplate.Must(htemplate.New("").Funcs(htemplate.FuncMap{
		"lines": func(s string) []string { return strings.Split(s, "\n") },
	}).ParseFS(emailFS, "emails/*.html.tmpl"))
)

// templateWords are the words the e-mail templates show as .T.<name>: name →
// key in the locale files.
var templateWords = map[string]string{
	"comment": "mail.comment", "link": "mail.link", "review": "mail.review", "meeting_link": "mail.meeting_link",
	"footer": "mail.footer", "unsubscribe_link": "mail.unsubscribe_link", "preferences_link": "mail.preferences_link",
	"digest_meetings": "mail.digest.meetings",
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
	tr := words(u.Lang)
	data.Lang = tr.Lang()
	data.T = make(map[string]string, len(templateWords)+1)
	for name, key := range templateWords {
		data.T[name] = tr.T(key)
	}
	data.T["hello"] = tr.T("mail.hello", "name", u.Name)
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
	data := emailData{Subject: "[Passerelle] " + words(u.Lang).T("mail."+n.Type+".subject", "title", p.Title), Message: n.Message,
		Comment: ev.Comment, Link: PracticeURL(d.BaseURL, p.ID)}
	return d.render(ctx, "notification", "notification-"+strconv.FormatInt(n.ID, 10), u, passerelle.CategoryOf(n.Type), data)
}
