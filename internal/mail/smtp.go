package mail

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	gomail "github.com/wneessen/go-mail"
	"github.com/wneessen/go-mail/smtp"
)

const (
	// DefaultMaxIdle is how many SMTP connections stay open between
	// messages by default: one per e-mail worker.
	DefaultMaxIdle = 8
	// idleTimeout closes a connection unused for that long: servers drop
	// idle clients after a few minutes, and a connection found dead costs
	// a round trip.
	idleTimeout = 30 * time.Second
	// smtpTimeout bounds each exchange with the server.
	smtpTimeout = 15 * time.Second
)

// SMTP sends through an SMTP server, keeping connections open between
// messages: the e-mails of one batch go over one connection, one after the
// other, instead of one connection (and one TLS handshake and one login)
// each.
type SMTP struct {
	from    string
	client  *gomail.Client // the server's settings; dials the connections
	maxIdle int

	mu   sync.Mutex
	idle []*idleConn // most recently used last

	dials atomic.Int64
}

type idleConn struct {
	c    *smtp.Client
	last time.Time
}

func newSMTP(cfg Config) (*SMTP, error) {
	u, err := url.Parse(cfg.SMTPURL)
	if err != nil || (u.Scheme != "smtp" && u.Scheme != "smtps") || u.Hostname() == "" {
		return nil, errors.New("bad --smtp-url: expected smtp://user:pass@host:port or smtps://…")
	}
	// No NOOP before each message: a connection the server closed while
	// idle fails at MAIL FROM instead, before anything is sent (see Send).
	opts := []gomail.Option{gomail.WithTimeout(smtpTimeout), gomail.WithoutNoop()}
	if u.Scheme == "smtps" {
		opts = append(opts, gomail.WithSSL(), gomail.WithPort(465))
	} else {
		opts = append(opts, gomail.WithTLSPolicy(gomail.TLSOpportunistic), gomail.WithPort(587))
	}
	if p := u.Port(); p != "" {
		port, err := strconv.Atoi(p)
		if err != nil || port < 1 || port > 65535 {
			return nil, errors.New("bad --smtp-url: the port is not a number from 1 to 65535")
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
		return nil, fmt.Errorf("bad --smtp-url: %w", err)
	}
	maxIdle := cfg.MaxIdle
	if maxIdle <= 0 {
		maxIdle = DefaultMaxIdle
	}
	return &SMTP{from: cfg.From, client: c, maxIdle: maxIdle}, nil
}

// Send delivers m over an open connection, or a new one. A connection the
// server closed while it was idle fails at MAIL FROM, before anything is
// sent: Send then dials once more. An error means the message was not accepted
// and the caller (a River job) retries later. Cancelling ctx closes the
// connection in use.
func (s *SMTP) Send(ctx context.Context, m *Message) error {
	msg, err := build(s.from, m)
	if err != nil {
		return err
	}
	for {
		conn, reused, err := s.take(ctx)
		if err != nil {
			return fmt.Errorf("connect to the SMTP server: %w", err)
		}
		stop := context.AfterFunc(ctx, func() { _ = conn.Close() })
		err = s.client.SendWithSMTPClient(conn, msg)
		if !stop() { // ctx ended and closed the connection
			if msg.IsDelivered() {
				return nil
			}
			return ctx.Err()
		}
		if err == nil {
			s.release(conn)
			return nil
		}
		_ = conn.Close()
		if msg.IsDelivered() {
			// The server accepted it; only what followed (RSET) failed.
			// Reporting an error would send it again.
			return nil
		}
		var se *gomail.SendError
		if reused && errors.As(err, &se) && (se.Reason == gomail.ErrConnCheck || se.Reason == gomail.ErrSMTPMailFrom) {
			continue // it died while idle; nothing was sent
		}
		return err
	}
}

// take returns an idle connection (reused) or dials a new one.
func (s *SMTP) take(ctx context.Context) (c *smtp.Client, reused bool, err error) {
	s.mu.Lock()
	for len(s.idle) > 0 {
		ic := s.idle[len(s.idle)-1]
		s.idle = s.idle[:len(s.idle)-1]
		if time.Since(ic.last) < idleTimeout {
			s.mu.Unlock()
			return ic.c, true, nil
		}
		go quit(ic.c)
	}
	s.mu.Unlock()
	s.dials.Add(1)
	c, err = s.client.DialToSMTPClientWithContext(ctx)
	return c, false, err
}

// release keeps c for the next message, or closes it when enough are kept.
func (s *SMTP) release(c *smtp.Client) {
	s.mu.Lock()
	if len(s.idle) < s.maxIdle {
		s.idle = append(s.idle, &idleConn{c: c, last: time.Now()})
		s.mu.Unlock()
		return
	}
	s.mu.Unlock()
	go quit(c)
}

// Close says goodbye on every idle connection.
func (s *SMTP) Close() error {
	s.mu.Lock()
	idle := s.idle
	s.idle = nil
	s.mu.Unlock()
	for _, ic := range idle {
		quit(ic.c)
	}
	return nil
}

// Dials returns how many connections were opened so far.
func (s *SMTP) Dials() int64 { return s.dials.Load() }

func quit(c *smtp.Client) {
	if err := c.Quit(); err != nil {
		_ = c.Close()
	}
}
