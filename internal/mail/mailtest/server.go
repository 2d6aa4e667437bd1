// Package mailtest is an SMTP server for tests, benchmarks and the fault
// suite: no TLS, no authentication; it keeps what it accepts so that a test
// can count what each recipient received and over how many connections.
package mailtest

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"mime"
	"net"
	"net/mail"
	"net/textproto"
	"strings"
	"sync"
	"time"
)

// Message is one message the server accepted.
type Message struct {
	At        time.Time   // when the server answered 250 to the end of DATA
	Header    mail.Header // every header, as sent
	To        string      // the address of the To header
	Subject   string      // decoded
	MessageID string
	// Conn numbers the connection it came on: messages sharing one were
	// sent over a reused connection.
	Conn int
	Raw  []byte // the whole message, with Options.KeepRaw only
}

// Options change how the server behaves.
type Options struct {
	// CloseAfterEach hangs up after every message, as a server that drops
	// idle clients would.
	CloseAfterEach bool
	// KeepRaw keeps each message whole (Message.Raw); without it only the
	// headers are kept, so that a run of tens of thousands stays small.
	KeepRaw bool
}

// Server is a running SMTP server.
type Server struct {
	ln   net.Listener
	opts Options

	mu      sync.Mutex
	msgs    []Message
	conns   int
	changed chan struct{} // closed and replaced at each message
}

// New listens on a free port of 127.0.0.1.
func New(opts Options) (*Server, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	return Serve(ln, opts), nil
}

// Serve answers SMTP on ln until Close.
func Serve(ln net.Listener, opts Options) *Server {
	s := &Server{ln: ln, opts: opts, changed: make(chan struct{})}
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
	return s
}

// URL is the --smtp-url of the server.
func (s *Server) URL() string { return "smtp://" + s.ln.Addr().String() }

// Close stops listening; connections already open finish their message.
func (s *Server) Close() { _ = s.ln.Close() }

// Messages returns a copy of what was received so far, in order.
func (s *Server) Messages() []Message {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Message(nil), s.msgs...)
}

// Count returns how many messages were received so far.
func (s *Server) Count() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.msgs)
}

// Connections returns how many connections were opened so far.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.conns
}

// Wait returns once n messages in all were received, or ctx's error.
func (s *Server) Wait(ctx context.Context, n int) error {
	for {
		s.mu.Lock()
		got, changed := len(s.msgs), s.changed
		s.mu.Unlock()
		if got >= n {
			return nil
		}
		select {
		case <-changed:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

func (s *Server) serve(c net.Conn, n int) {
	defer c.Close()
	tp := textproto.NewConn(c)
	_ = tp.PrintfLine("220 mailtest ESMTP")
	for {
		line, err := tp.ReadLine()
		if err != nil {
			return
		}
		switch strings.ToUpper(strings.Fields(line + " x")[0]) {
		case "EHLO":
			_ = tp.PrintfLine("250-mailtest")
			_ = tp.PrintfLine("250-8BITMIME")
			_ = tp.PrintfLine("250 ENHANCEDSTATUSCODES")
		case "DATA":
			_ = tp.PrintfLine("354 go ahead")
			m, ok := s.read(bufio.NewReader(tp.DotReader()), n)
			if !ok {
				return
			}
			s.mu.Lock()
			m.At = time.Now()
			s.msgs = append(s.msgs, m)
			close(s.changed)
			s.changed = make(chan struct{})
			s.mu.Unlock()
			_ = tp.PrintfLine("250 2.0.0 queued")
			if s.opts.CloseAfterEach {
				return
			}
		case "QUIT":
			_ = tp.PrintfLine("221 2.0.0 bye")
			return
		default: // HELO, MAIL, RCPT, RSET, NOOP
			_ = tp.PrintfLine("250 2.0.0 ok")
		}
	}
}

// read reads one message of DATA.
func (s *Server) read(r io.Reader, conn int) (Message, bool) {
	var raw bytes.Buffer
	if s.opts.KeepRaw {
		r = io.TeeReader(r, &raw)
	}
	msg, err := mail.ReadMessage(r)
	if err != nil {
		return Message{}, false
	}
	if _, err := io.Copy(io.Discard, msg.Body); err != nil {
		return Message{}, false
	}
	m := Message{Header: msg.Header, MessageID: msg.Header.Get("Message-Id"), Conn: conn}
	m.Subject, _ = new(mime.WordDecoder).DecodeHeader(msg.Header.Get("Subject"))
	if to, err := mail.ParseAddress(msg.Header.Get("To")); err == nil {
		m.To = to.Address
	}
	if s.opts.KeepRaw {
		m.Raw = raw.Bytes()
	}
	return m, true
}
