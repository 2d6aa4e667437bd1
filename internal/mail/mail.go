// Package mail sends Passerelle's e-mails as real RFC 5322 messages built
// with go-mail: written as .eml files to an outbox folder by default, or sent
// through an SMTP server over connections kept open between messages.
//
// Every message is identified by its Key (one event and one recipient): the
// outbox file is named after it and its Message-ID is derived from it, so
// that a message sent again after a crash is recognisably the same message.
package mail

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/mail"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"

	gomail "github.com/wneessen/go-mail"
)

// Message is one e-mail to one recipient, with a plain-text and an HTML part
// that say the same thing, and optional attachments.
type Message struct {
	// Key identifies the message: one event and one recipient (say
	// "notification-42", a notification being one event for one person).
	// It names the outbox file, and the Message-ID is derived from it.
	Key string
	// Revision tells apart two sends of one Key that differ in substance
	// (an invitation sent again carries a fresh link): it is mixed into the
	// Message-ID, so that a receiver never takes one for a copy of the
	// other. Empty for most messages.
	Revision string
	To       string
	ToName   string
	Subject  string
	Text     string
	HTML     string
	Headers  map[string]string // extra headers, such as List-Unsubscribe
	// Attachments are added after the text and HTML parts.
	Attachments []Attachment
	// MessageID is the Message-ID the message was sent with, without angle
	// brackets; Send sets it.
	MessageID string
}

// Attachment is a file joined to a message.
type Attachment struct {
	Name        string // the file name the recipient sees
	ContentType string // such as "text/calendar; method=REQUEST"
	Data        []byte
}

// Sender delivers messages. Send returns nil once the message is accepted
// (written to the outbox, or the SMTP server answered 250), having set
// m.MessageID; an error means it was not, and the caller retries later.
type Sender interface {
	Send(ctx context.Context, m *Message) error
}

// Config chooses and configures the sender.
type Config struct {
	SMTPURL   string // empty: outbox; smtp://user:pass@host:port (STARTTLS when offered) or smtps:// (TLS)
	From      string // "Name <address>"
	OutboxDir string
	// MaxIdle is how many SMTP connections stay open between messages
	// (DefaultMaxIdle when zero).
	MaxIdle int
}

// New checks cfg and returns the sender it describes, or an error naming
// what is wrong with the SMTP URL or the From address. It touches nothing:
// no connection is made and no folder is created before the first message.
func New(cfg Config) (Sender, error) {
	if _, err := parseFrom(cfg.From); err != nil {
		return nil, err
	}
	if cfg.SMTPURL == "" {
		return &Outbox{Dir: cfg.OutboxDir, From: cfg.From}, nil
	}
	return newSMTP(cfg)
}

// parseFrom reads the sender's address.
func parseFrom(from string) (*mail.Address, error) {
	a, err := mail.ParseAddress(from)
	if err != nil || !strings.Contains(a.Address, "@") {
		return nil, fmt.Errorf("bad --mail-from %q: expected an address such as \"Passerelle <noreply@example.org>\"", from)
	}
	return a, nil
}

var unsafeID = regexp.MustCompile(`[^A-Za-z0-9._-]+`)

// MessageID returns the Message-ID of m sent by from, without angle
// brackets: its key, then a digest of the key, the revision, the recipient
// and the subject, at the sender's domain. Every send of the same message
// gets the same one — whatever the process, its address or the time — and
// anything else another: a key given again to another message (after a
// database was restored, or by another installation sending from the same
// domain) comes with another recipient or subject.
func MessageID(from string, m *Message) string {
	domain := "localhost"
	if a, err := mail.ParseAddress(from); err == nil {
		if _, d, ok := strings.Cut(a.Address, "@"); ok && d != "" {
			domain = strings.ToLower(d)
		}
	}
	sum := sha256.Sum256([]byte(strings.Join([]string{m.Key, m.Revision, strings.ToLower(m.To), m.Subject}, "\x00")))
	local := strings.Trim(unsafeID.ReplaceAllString(m.Key, "-"), ".-")
	if local == "" {
		local = "passerelle"
	}
	return local + "." + hex.EncodeToString(sum[:8]) + "@" + domain
}

// ListID returns the List-Id of the e-mails of site (RFC 2919): the
// notifications of one installation form one list.
func ListID(site string) string {
	host := "localhost"
	if u, err := url.Parse(site); err == nil && u.Hostname() != "" {
		host = strings.ToLower(u.Hostname())
	}
	return "Passerelle <notifications." + host + ">"
}

// build turns m into a go-mail message and sets m.MessageID.
func build(from string, m *Message) (*gomail.Msg, error) {
	if m.Key == "" {
		return nil, errors.New("mail: a message needs a key")
	}
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.From(from); err != nil {
		return nil, err
	}
	if err := msg.AddToFormat(m.ToName, m.To); err != nil {
		return nil, fmt.Errorf("recipient %q: %w", m.To, err)
	}
	msg.Subject(m.Subject)
	msg.SetDate()
	m.MessageID = MessageID(from, m)
	msg.SetMessageIDWithValue(m.MessageID)
	msg.SetUserAgent("Passerelle")
	// Sent by a program, not a person: autoresponders must not answer
	// (RFC 3834).
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	for k, v := range m.Headers {
		msg.SetGenHeader(gomail.Header(k), v)
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text)
	if m.HTML != "" {
		msg.AddAlternativeString(gomail.TypeTextHTML, m.HTML)
	}
	for _, a := range m.Attachments {
		opts := []gomail.FileOption{}
		if a.ContentType != "" {
			opts = append(opts, gomail.WithFileContentType(gomail.ContentType(a.ContentType)))
		}
		msg.AttachReadSeeker(a.Name, bytes.NewReader(a.Data), opts...)
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

// Send writes m to <Dir>/<Key>.eml, creating the folder when missing; a
// message sent again replaces its file.
func (o *Outbox) Send(_ context.Context, m *Message) error {
	msg, err := build(o.From, m)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(o.Dir, 0o750); err != nil {
		return fmt.Errorf("create outbox: %w", err)
	}
	name := filepath.Join(o.Dir, unsafeName.ReplaceAllString(m.Key, "_")+".eml")
	tmp := name + ".tmp"
	if err := msg.WriteToFile(tmp); err != nil {
		return err
	}
	return os.Rename(tmp, name)
}
