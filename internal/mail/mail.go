// Package mail sends Passerelle's e-mails as real RFC 5322 messages built
// with go-mail: written as .eml files to an outbox folder by default, or sent
// through an SMTP server.
package mail

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"time"

	gomail "github.com/wneessen/go-mail"
)

// Message is one e-mail to one recipient, with a plain-text and an HTML part.
type Message struct {
	// Key identifies the message for idempotence: a retried job that sends
	// the same Key to the outbox overwrites the same file.
	Key     string
	To      string
	ToName  string
	Subject string
	Text    string
	HTML    string
	Headers map[string]string // extra headers, such as List-Unsubscribe
	// Attachments are files sent with the message, such as the iCalendar
	// invitation of a meeting.
	Attachments []Attachment
}

// Attachment is a file attached to a message.
type Attachment struct {
	Name        string // the file name the recipient sees
	ContentType string // its full media type, parameters included
	Data        []byte
}

// Sender delivers messages.
type Sender interface {
	Send(ctx context.Context, m *Message) error
}

// Config chooses and configures the sender.
type Config struct {
	SMTPURL   string // empty: outbox; smtp://user:pass@host:port (STARTTLS when offered) or smtps:// (TLS)
	From      string // "Name <address>"
	OutboxDir string
}

// New returns the sender that Config describes, or an error naming what is
// wrong with the SMTP URL or the From address.
func New(cfg Config) (Sender, error) {
	probe := gomail.NewMsg()
	if err := probe.From(cfg.From); err != nil {
		return nil, fmt.Errorf("bad mail-from address %q: %w", cfg.From, err)
	}
	if cfg.SMTPURL == "" {
		if err := os.MkdirAll(cfg.OutboxDir, 0o750); err != nil {
			return nil, fmt.Errorf("create outbox: %w", err)
		}
		return &Outbox{Dir: cfg.OutboxDir, From: cfg.From}, nil
	}
	return newSMTP(cfg)
}

func build(from string, m *Message) (*gomail.Msg, error) {
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.From(from); err != nil {
		return nil, err
	}
	if err := msg.AddToFormat(m.ToName, m.To); err != nil {
		return nil, fmt.Errorf("recipient %q: %w", m.To, err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	msg.SetMessageID()
	msg.SetUserAgent("Passerelle")
	for k, v := range m.Headers {
		msg.SetGenHeader(gomail.Header(k), v)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	for _, a := range m.Attachments {
		msg.AttachReadSeeker(a.Name, bytes.NewReader(a.Data), gomail.WithFileContentType(gomail.ContentType(a.ContentType)))
	}
	return msg, nil
}

// Outbox writes each message as one .eml file, for development, demos and
// tests. The file appears atomically (written aside, then renamed).
type Outbox struct {
	Dir  string
	From string
}

var unsafeName = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// Send writes m to <Dir>/<Key>.eml.
func (o *Outbox) Send(_ context.Context, m *Message) error {
	msg, err := build(o.From, m)
	if err != nil {
		return err
	}
	key := m.Key
	if key == "" {
		key = strconv.FormatInt(time.Now().UnixNano(), 10)
	}
	name := filepath.Join(o.Dir, unsafeName.ReplaceAllString(key, "_")+".eml")
	tmp := name + ".tmp"
	if err := msg.WriteToFile(tmp); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}

// SMTP sends through an SMTP server.
type SMTP struct {
	from   string
	mu     sync.Mutex // one dial-and-send at a time per client
	client *gomail.Client
}

func newSMTP(cfg Config) (*SMTP, error) {
	u, err := url.Parse(cfg.SMTPURL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, errors.New("bad SMTP URL: expected smtp://user:pass@host:port or smtps://…")
	}
	opts := []gomail.Option{gomail.WithTimeout(15 * time.Second)}
	if u.Scheme == "smtps" {
		opts = append(opts, gomail.WithSSL(), gomail.WithPort(465))
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic), gomail.WithPort(587))
	}
	if p := u.Port(); p != "" {
		port, err := strconv.Atoi(p)
		if err != nil {
			return nil, errors.New("bad SMTP URL: port is not a number")
		}
		opts = append(opts, gomail.WithPort(port))
	}
	if u.User != nil {
		pass, _ := u.User.Password()
		opts = append(opts, gomail.WithSMTPAuth(gomail.SMTPAuthAutoDiscover),
			gomail.WithUsername(u.User.Username()), gomail.WithPassword(pass))
	}
	c, err := gomail.NewClient(u.Hostname(), opts...)
	if err != nil {
		return nil, fmt.Errorf("bad SMTP URL: %w", err)
	}
	return &SMTP{from: cfg.From, client: c}, nil
}

// Send delivers m; an error means it was not accepted and the caller (a River
// job) retries later.
func (s *SMTP) Send(ctx context.Context, m *Message) error {
	msg, err := build(s.from, m)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.client.DialAndSendWithContext(ctx, msg)
}
