package mail_test

import (
	"bytes"
	"context"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	gomessage "github.com/emersion/go-message/mail"

	pmail "github.com/passerelle/passerelle/internal/mail"
	"github.com/passerelle/passerelle/internal/mail/mailtest"
)

// newServer starts an SMTP server that keeps each message whole, stopped
// when the test ends; with closeAfterEach it hangs up after every message,
// as a server that drops idle clients would.
func newServer(t *testing.T, closeAfterEach bool) *mailtest.Server {
	t.Helper()
	srv, err := mailtest.New(mailtest.Options{CloseAfterEach: closeAfterEach, KeepRaw: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(srv.Close)
	return srv
}

func message(key, to string) *pmail.Message {
	return &pmail.Message{Key: key, To: to, ToName: "Renée Lectrice", Subject: "Nouvelle fiche : « Forum emploi »",
		Text: "Bonjour", HTML: "<p>Bonjour</p>"}
}

// TestSMTPReusesConnections: the messages of a batch go over one
// connection, each with the Message-ID derived from its key.
func TestSMTPReusesConnections(t *testing.T) {
	srv := newServer(t, false)
	s, err := pmail.New(pmail.Config{SMTPURL: srv.URL(), From: "Passerelle <noreply@passerelle.example.org>"})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = s.(io.Closer).Close() }()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var ids []string
	for i := range 10 {
		m := message("notification-"+string(rune('a'+i)), "lectrice@example.org")
		if err := s.Send(ctx, m); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, m.MessageID)
	}
	if conns, msgs := srv.Connections(), srv.Count(); conns != 1 || msgs != 10 {
		t.Errorf("%d messages over %d connections, want 10 over 1", msgs, conns)
	}
	for i, m := range srv.Messages() {
		mr, err := gomessage.CreateReader(bytes.NewReader(m.Raw))
		if err != nil {
			t.Fatal(err)
		}
		if id, err := mr.Header.MessageID(); err != nil || id != ids[i] || !strings.HasSuffix(id, "@passerelle.example.org") {
			t.Errorf("message %d: Message-ID %q (%v), want %q", i, id, err, ids[i])
		}
		if mr.Header.Get("Auto-Submitted") != "auto-generated" {
			t.Errorf("message %d: Auto-Submitted %q", i, mr.Header.Get("Auto-Submitted"))
		}
	}
}

// TestSMTPRedialsAfterHangUp: a kept connection the server closed meanwhile
// is replaced without losing the message.
func TestSMTPRedialsAfterHangUp(t *testing.T) {
	srv := newServer(t, true)
	s, err := pmail.New(pmail.Config{SMTPURL: srv.URL(), From: "Passerelle <noreply@passerelle.test>"})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for i := range 3 {
		if err := s.Send(ctx, message("k"+string(rune('0'+i)), "lectrice@example.org")); err != nil {
			t.Fatalf("message %d: %v", i, err)
		}
	}
	if conns, msgs := srv.Connections(), srv.Count(); msgs != 3 || conns != 3 {
		t.Errorf("%d messages over %d connections, want 3 over 3", msgs, conns)
	}
}

// TestMessageID: the same message always gets the same Message-ID, at the
// sender's domain; another key, recipient, subject or revision another.
func TestMessageID(t *testing.T) {
	from := "Passerelle <noreply@Passerelle.Example.org>"
	base := message("notification-42", "lectrice@example.org")
	id := pmail.MessageID(from, base)
	if !strings.HasPrefix(id, "notification-42.") || !strings.HasSuffix(id, "@passerelle.example.org") {
		t.Errorf("Message-ID %q", id)
	}
	if again := pmail.MessageID(from, message("notification-42", "Lectrice@Example.org")); again != id {
		t.Errorf("the same message: %q, then %q", id, again)
	}
	for name, m := range map[string]*pmail.Message{
		"key":       message("notification-43", "lectrice@example.org"),
		"recipient": message("notification-42", "autre@example.org"),
		"subject":   {Key: "notification-42", To: "lectrice@example.org", Subject: "Autre"},
		"revision":  {Key: "notification-42", To: "lectrice@example.org", Subject: base.Subject, Revision: "abc"},
	} {
		if other := pmail.MessageID(from, m); other == id {
			t.Errorf("another %s, the same Message-ID %q", name, id)
		}
	}
	if got := pmail.MessageID(from, message("digest/../7 x", "a@example.org")); strings.ContainsAny(strings.Split(got, "@")[0], "/ ") {
		t.Errorf("unsafe key kept in %q", got)
	}
}

// TestNewTouchesNothing: checking the settings creates no folder; the
// outbox appears with the first message. Bad settings are refused.
func TestNewTouchesNothing(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "outbox")
	s, err := pmail.New(pmail.Config{From: "Passerelle <noreply@passerelle.test>", OutboxDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(dir); !os.IsNotExist(err) {
		t.Fatalf("the outbox exists before any message: %v", err)
	}
	if err := s.Send(context.Background(), message("notification-1", "a@example.org")); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "notification-1.eml")); err != nil {
		t.Error(err)
	}
	for _, bad := range []pmail.Config{
		{From: "pas une adresse"},
		{From: "Passerelle <noreply@passerelle.test>", SMTPURL: "smtpx://mail.example.org"},
		{From: "Passerelle <noreply@passerelle.test>", SMTPURL: "smtp://mail.example.org:abc"},
		{From: "Passerelle <noreply@passerelle.test>", SMTPURL: "smtp://mail.example.org:70000"},
		{From: "Passerelle <noreply@passerelle.test>", SMTPURL: "smtp://"},
		{From: "Passerelle <noreply@passerelle.test>", SMTPURL: "smtp://%zz"},
	} {
		if _, err := pmail.New(bad); err == nil {
			t.Errorf("%+v accepted", bad)
		}
	}
}

// TestAttachment: a message may carry files (a meeting's .ics, say), which
// a strict reader finds after the text and HTML parts.
func TestAttachment(t *testing.T) {
	dir := t.TempDir()
	s, err := pmail.New(pmail.Config{From: "Passerelle <noreply@passerelle.test>", OutboxDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	m := message("meeting-1", "a@example.org")
	ics := "BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n"
	m.Attachments = []pmail.Attachment{{Name: "rencontre.ics", ContentType: "text/calendar", Data: []byte(ics)}}
	if err := s.Send(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	raw, err := os.ReadFile(filepath.Join(dir, "meeting-1.eml"))
	if err != nil {
		t.Fatal(err)
	}
	mr, err := gomessage.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	var found bool
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		} else if err != nil {
			t.Fatal(err)
		}
		if ah, ok := p.Header.(*gomessage.AttachmentHeader); ok {
			name, _ := ah.Filename()
			ct, _, _ := ah.ContentType()
			body, _ := io.ReadAll(p.Body)
			found = name == "rencontre.ics" && ct == "text/calendar" && string(body) == ics
		}
	}
	if !found {
		t.Errorf("no rencontre.ics attachment in:\n%s", raw)
	}
}
