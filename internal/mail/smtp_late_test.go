package mail_test

import (
	"context"
	"net"
	"strings"
	"testing"
	"time"

	pmail "github.com/passerelle/passerelle/internal/mail"
	"github.com/passerelle/passerelle/internal/mail/mailtest"
)

// TestSMTPComesUpLate: while the SMTP server is down Send fails (the River
// job then retries with backoff); once it is up the same message goes out,
// with its List-Unsubscribe headers.
func TestSMTPComesUpLate(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // the server is down
	s, err := pmail.New(pmail.Config{SMTPURL: "smtp://" + addr, From: "Passerelle <noreply@passerelle.test>"})
	if err != nil {
		t.Fatal(err)
	}
	m := &pmail.Message{Key: "k", To: "reader@example.org", ToName: "Renée", Subject: "Nouvelle fiche", Text: "Bonjour", HTML: "<p>Bonjour</p>",
		Headers: map[string]string{"List-Unsubscribe": "<https://passerelle.test/unsubscribe?token=abc>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}}
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	defer cancel()
	if err := s.Send(ctx, m); err == nil {
		t.Fatal("sent to a server that is down")
	}
	ln, err = net.Listen("tcp", addr)
	if err != nil {
		t.Skipf("port %s taken meanwhile: %v", addr, err)
	}
	srv := mailtest.Serve(ln, mailtest.Options{})
	defer srv.Close()
	if err := s.Send(ctx, m); err != nil {
		t.Fatalf("once the server is up: %v", err)
	}
	if err := srv.Wait(ctx, 1); err != nil {
		t.Fatalf("the server got nothing: %v", err)
	}
	msg := srv.Messages()[0]
	if msg.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" || !strings.Contains(msg.Header.Get("List-Unsubscribe"), "token=abc") {
		t.Errorf("headers %v", msg.Header)
	}
}

// TestUnsubscribeToken: a signed token reads back; a forged, damaged or
// expired one does not.
func TestUnsubscribeToken(t *testing.T) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	now := time.Now()
	good := pmail.SignUnsubscribe(secret, pmail.Unsubscribe{UserID: 7, Category: "digests", Expires: now.Add(time.Hour)})
	if u, err := pmail.VerifyUnsubscribe(secret, good, now); err != nil || u.UserID != 7 || u.Category != "digests" {
		t.Fatalf("good token: %+v %v", u, err)
	}
	tests := []struct {
		name, token string
		secret      []byte
		at          time.Time
	}{
		{name: "other secret", token: good, secret: []byte("another secret"), at: now},
		{name: "expired", token: good, secret: secret, at: now.Add(2 * time.Hour)},
		{name: "damaged", token: "x" + good, secret: secret, at: now},
		{name: "no signature", token: strings.Split(good, ".")[0], secret: secret, at: now},
		{name: "empty", token: "", secret: secret, at: now},
	}
	for _, tc := range tests {
		if _, err := pmail.VerifyUnsubscribe(tc.secret, tc.token, tc.at); err != pmail.ErrBadToken {
			t.Errorf("%s: %v, want ErrBadToken", tc.name, err)
		}
	}
}
