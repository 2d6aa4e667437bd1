package e2e

import (
	"bufio"
	"mime"
	"net"
	"net/mail"
	"net/textproto"
	"slices"
	"strings"
	"sync"
	"testing"
)

// smtpRecorder is a tiny SMTP server (no TLS, no auth) that keeps every
// message it accepts, for the tests that count deliveries.
type smtpRecorder struct {
	ln   net.Listener
	mu   sync.Mutex
	msgs []*mail.Message
}

func newSMTPRecorder(t *testing.T) *smtpRecorder {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &smtpRecorder{ln: ln}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go r.serve(c)
		}
	}()
	return r
}

func (r *smtpRecorder) url() string { return "smtp://" + r.ln.Addr().String() }

func (r *smtpRecorder) serve(c net.Conn) {
	defer c.Close()
	tp := textproto.NewConn(c)
	_ = tp.PrintfLine("220 recorder ESMTP")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		cmd := strings.ToUpper(strings.Fields(line + " x")[0])
		switch cmd {
		case "EHLO":
			_ = tp.PrintfLine("250-recorder")
			_ = tp.PrintfLine("250 8BITMIME")
		case "DATA":
			_ = tp.PrintfLine("354 go ahead")
			m, err := mail.ReadMessage(bufio.NewReader(tp.DotReader()))
			if err != nil {
				return
			}
			r.mu.Lock()
			r.msgs = append(r.msgs, m)
			r.mu.Unlock()
			_ = tp.PrintfLine("250 queued")
		case "QUIT":
			_ = tp.PrintfLine("221 bye")
			return
		default: // HELO, MAIL, RCPT, RSET, NOOP
			_ = tp.PrintfLine("250 ok")
		}
	}
}

// count returns how many messages each recipient got whose subject holds
// one of subjects.
func (r *smtpRecorder) count(subjects ...string) map[string]int {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := map[string]int{}
	for _, m := range r.msgs {
		subj, _ := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
		if slices.ContainsFunc(subjects, func(want string) bool { return strings.Contains(subj, want) }) {
			to, _ := mail.ParseAddress(m.Header.Get("To"))
			if to != nil {
				out[to.Address]++
			}
		}
	}
	return out
}
