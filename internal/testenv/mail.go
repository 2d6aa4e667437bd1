package testenv

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// Mail is an e-mail read back from an outbox: its headers, its decoded
// plain-text part and its attachments.
type Mail struct {
	To, Subject string
	Text        string
	Attachments []MailPart
}

// MailPart is an attached file of a message, decoded.
type MailPart struct {
	Name        string
	ContentType string // with its parameters, such as method=REQUEST
	Data        []byte
}

// WaitMail waits (up to a minute, room for a busy machine under -race) for
// the outbox message <key>.eml, as the River job writes it, and returns it
// decoded.
func WaitMail(t testing.TB, outbox, key string) *Mail {
	t.Helper()
	path := filepath.Join(outbox, key+".eml")
	deadline := time.Now().Add(time.Minute)
	for {
		raw, err := os.ReadFile(path)
		if err == nil {
			m, err := ParseMail(raw)
			if err != nil {
				t.Fatalf("%s: %v", path, err)
			}
			return m
		}
		if time.Now().After(deadline) {
			t.Fatalf("no e-mail %s after a minute", path)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// ParseMail decodes an RFC 5322 message and its text/plain part.
func ParseMail(raw []byte) (*Mail, error) {
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return nil, err
	}
	dec := new(mime.WordDecoder)
	subject, _ := dec.DecodeHeader(msg.Header.Get("Subject"))
	m := &Mail{To: msg.Header.Get("To"), Subject: subject}
	body, err := io.ReadAll(msg.Body)
	if err != nil {
		return nil, err
	}
	if m.Text, err = textPart(msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), bytes.NewReader(body)); err != nil {
		return nil, err
	}
	err = attachments(msg.Header.Get("Content-Type"), bytes.NewReader(body), &m.Attachments)
	return m, err
}

// attachments collects the parts of a message sent as attachments.
func attachments(contentType string, body io.Reader, out *[]MailPart) error {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil || !strings.HasPrefix(mt, "multipart/") {
		return nil
	}
	r := multipart.NewReader(body, params["boundary"])
	for {
		p, err := r.NextPart()
		if err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
		ct := p.Header.Get("Content-Type")
		if strings.HasPrefix(ct, "multipart/") {
			if err := attachments(ct, p, out); err != nil {
				return err
			}
			continue
		}
		if p.FileName() == "" {
			continue
		}
		var data io.Reader = p
		if strings.EqualFold(p.Header.Get("Content-Transfer-Encoding"), "base64") {
			data = base64.NewDecoder(base64.StdEncoding, p)
		}
		b, err := io.ReadAll(data)
		if err != nil {
			return err
		}
		*out = append(*out, MailPart{Name: p.FileName(), ContentType: ct, Data: b})
	}
}

// Outbox reads every message of an outbox folder, decoded.
func Outbox(t testing.TB, outbox string) []*Mail {
	t.Helper()
	files, _ := filepath.Glob(filepath.Join(outbox, "*.eml"))
	out := make([]*Mail, 0, len(files))
	for _, f := range files {
		raw, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		m, err := ParseMail(raw)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		out = append(out, m)
	}
	return out
}

func textPart(contentType, encoding string, body io.Reader) (string, error) {
	mt, params, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt = "text/plain"
	}
	if strings.HasPrefix(mt, "multipart/") {
		r := multipart.NewReader(body, params["boundary"])
		for {
			p, err := r.NextPart()
			if err == io.EOF {
				return "", nil
			} else if err != nil {
				return "", err
			}
			// multipart.Reader already undoes quoted-printable.
			text, err := textPart(p.Header.Get("Content-Type"), p.Header.Get("Content-Transfer-Encoding"), p)
			if err != nil || text != "" {
				return text, err
			}
		}
	}
	if mt != "text/plain" {
		return "", nil
	}
	switch strings.ToLower(encoding) {
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, body)
	}
	b, err := io.ReadAll(body)
	return string(b), err
}

var linkPattern = regexp.MustCompile(`https?://\S+`)

// Link returns the first link of the message whose path contains part.
func (m *Mail) Link(t testing.TB, part string) string {
	t.Helper()
	for _, l := range linkPattern.FindAllString(m.Text, -1) {
		if strings.Contains(l, part) {
			return l
		}
	}
	t.Fatalf("no link with %q in the e-mail to %s:\n%s", part, m.To, m.Text)
	return ""
}
