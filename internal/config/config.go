// Package config reads Passerelle's configuration from flags and environment
// variables; a flag, when given, wins over its variable.
package config

import (
	"flag"
	"fmt"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Config is the configuration shared by every subcommand.
type Config struct {
	Addr        string
	DataDir     string
	DatabaseURL string
	BaseURL     string
	SMTPURL     string
	MailFrom    string
	LogLevel    string
	// BaseURLDerived is true when BaseURL was not given and comes from Addr.
	BaseURLDerived bool
	// ShutdownTimeout bounds a graceful stop; the contract asks for an exit
	// within 10 s.
	ShutdownTimeout time.Duration
}

type setting struct {
	flag, env, def, usage string
	dst                   *string
}

func (c *Config) settings() []setting {
	return []setting{
		{"addr", "PASSERELLE_ADDR", "127.0.0.1:8080", "address to listen on", &c.Addr},
		{"data-dir", "PASSERELLE_DATA_DIR", "./data", "folder for the SQLite database, the outbox and uploads", &c.DataDir},
		{"database-url", "PASSERELLE_DATABASE_URL", "", "postgres://… for PostgreSQL; empty for embedded SQLite in the data dir", &c.DatabaseURL},
		{"base-url", "PASSERELLE_BASE_URL", "", "public URL used in e-mails and feeds (default http://<addr>)", &c.BaseURL},
		{"smtp-url", "PASSERELLE_SMTP_URL", "", "smtp://user:pass@host:port; empty writes e-mails to <data-dir>/outbox", &c.SMTPURL},
		{"mail-from", "PASSERELLE_MAIL_FROM", "Passerelle <noreply@localhost>", "sender of e-mails", &c.MailFrom},
		{"log-level", "PASSERELLE_LOG_LEVEL", "info", "debug, info, warn or error", &c.LogLevel},
	}
}

// Register adds the configuration flags to fs. Defaults come from the
// environment, so that a flag given on the command line wins.
func (c *Config) Register(fs *flag.FlagSet) {
	for _, s := range c.settings() {
		def := s.def
		if v, ok := os.LookupEnv(s.env); ok {
			def = v
		}
		fs.StringVar(s.dst, s.flag, def, fmt.Sprintf("%s (env %s)", s.usage, s.env))
	}
	c.ShutdownTimeout = 9 * time.Second
}

// Finish validates the configuration after parsing and fills in derived
// defaults. Errors name the faulty setting.
func (c *Config) Finish() error {
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		return fmt.Errorf("bad --addr %q: expected host:port", c.Addr)
	}
	if c.DataDir == "" {
		return fmt.Errorf("bad --data-dir: empty")
	}
	c.DataDir = filepath.Clean(c.DataDir)
	if c.BaseURL == "" {
		c.BaseURL, c.BaseURLDerived = "http://"+c.Addr, true
	}
	u, err := url.Parse(c.BaseURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("bad --base-url %q: expected http(s)://host[:port][/path]", c.BaseURL)
	}
	c.BaseURL = strings.TrimRight(c.BaseURL, "/")
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("bad --log-level %q", c.LogLevel)
	}
	return nil
}

// Listening records the address actually listened on (when Addr asked for
// port 0, say) and derives the base URL from it unless one was given.
func (c *Config) Listening(addr string) {
	c.Addr = addr
	if !c.BaseURLDerived {
		return
	}
	// Listening on every interface (":8080", "0.0.0.0:8080") gives an
	// address people cannot open; links then point at localhost.
	host, port, err := net.SplitHostPort(addr)
	if err == nil {
		if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
			addr = net.JoinHostPort("localhost", port)
		}
	}
	c.BaseURL = "http://" + addr
}

// Secure reports whether the public URL is https (cookies are then Secure).
func (c *Config) Secure() bool { return strings.HasPrefix(c.BaseURL, "https://") }

// OutboxDir is where e-mails are written when no SMTP server is configured.
func (c *Config) OutboxDir() string { return filepath.Join(c.DataDir, "outbox") }
