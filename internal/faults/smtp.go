package faults

import (
	"bufio"
	"io"
	"mime"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"sync"
	"time"
)

// Received is one message an SMTPServer accepted.
type Received struct {
	At        time.Time // when the server answered 250 to the end of DATA
	To        string    // the address of the To header
	Subject   string    // decoded
	MessageID string
	// Conn numbers the connection it came on: messages sharing one were
	// sent over a reused connection.
	Conn int
}

// SMTPServer is a small SMTP server (no TLS, no authentication) that
// keeps the headers of every message it accepts, so that a checker can
// count what each recipient received and how many connections were used.
type SMTPServer struct {
	ln net.Listener

	mu    sync.Mutex
	msgs  []Received
	conns int
}

// NewSMTPServer listens on a free port of 127.0.0.1.
func NewSMTPServer() (*SMTPServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	s := &SMTPServer{ln: ln}
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			s.mu.Lock()
			s.conns++
			n := s.conns
			s.mu.Unlock()
			go s.serve(c, n)
		}
	}()
	return s, nil
}

// URL is the --smtp-url of the server.
func (s *SMTPServer) URL() string { return "smtp://" + s.ln.Addr().String() }

// Close stops the server.
func (s *SMTPServer) Close() { s.ln.Close() }

// Messages returns a copy of what was received so far.
func (s *SMTPServer) Messages() []Received {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Received(nil), s.msgs...)
}

// Count returns how many messages were received so far.
func (s *SMTPServer) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.msgs)
}

// Connections returns how many connections were opened so far.
func (s *SMTPServer) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

func (s *SMTPServer) serve(c net.Conn, n int) {
	defer c.Close()
	tp := textproto.NewConn(c)
	_ = tp.PrintfLine("220 faults ESMTP")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		switch strings.ToUpper(strings.Fields(line + " x")[0]) {
		case "EHLO":
			_ = tp.PrintfLine("250-faults")
			_ = tp.PrintfLine("250-8BITMIME")
			_ = tp.PrintfLine("250 ENHANCEDSTATUSCODES")
		case "DATA":
			_ = tp.PrintfLine("354 go ahead")
			body := bufio.NewReader(tp.DotReader())
			msg, err := mail.ReadMessage(body)
			if err != nil {
				return
			}
			_, _ = io.Copy(io.Discard, msg.Body)
			r := Received{MessageID: msg.Header.Get("Message-Id"), Conn: n}
			r.Subject, _ = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
			if to, err := mail.ParseAddress(msg.Header.Get("To")); err == nil {
				r.To = to.Address
			}
			s.mu.Lock()
			r.At = time.Now()
			s.msgs = append(s.msgs, r)
			s.mu.Unlock()
			_ = tp.PrintfLine("250 2.0.0 queued")
		case "QUIT":
			_ = tp.PrintfLine("221 2.0.0 bye")
			return
		default: // HELO, MAIL, RCPT, RSET, NOOP
			_ = tp.PrintfLine("250 2.0.0 ok")
		}
	}
}
