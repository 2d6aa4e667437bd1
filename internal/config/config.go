// Package config reads Passerelle's configuration from flags and environment
// variables; a flag, when given, wins over its variable.
package config

import (
	"flag"
	"fmt"
	"net"
	"net/mail"
	"net/netip"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
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
	// AttachmentsURL is the bucket of uploaded files (gocloud.dev/blob URL);
	// empty: the folder <data-dir>/attachments.
	AttachmentsURL string
	// MaxAttachmentSize and ClaimTTL are read from the text settings below
	// by Finish.
	MaxAttachmentSize int64
	// AttachmentQuota is how many bytes of attachments one account may
	// store (--attachment-quota).
	AttachmentQuota int64
	ClaimTTL        time.Duration
	maxAttachment   string
	attachmentQuota string
	claimTTL        string
	// OAIRepositoryID is the repository identifier of OAI-PMH identifiers
	// (a domain name); empty: the host of the base URL, kept in the
	// database the first time it is a domain name.
	OAIRepositoryID string
	// OAIAdminEmail is the contact OAI-PMH's Identify declares; empty
	// defaults to the address of MailFrom.
	OAIAdminEmail string
	// TrustedProxies are the reverse proxies whose X-Forwarded-For is
	// believed (--trusted-proxies): the client of a request they pass on is
	// the last address of that header that is not one of them.
	TrustedProxies []netip.Prefix
	trustedProxies string
	// BaseURLDerived is true when BaseURL was not given and comes from Addr.
	BaseURLDerived bool
	// ShutdownTimeout bounds a graceful stop; the contract asks for an exit
	// within 10 s.
	ShutdownTimeout time.Duration
	// Digests and review reminders (parsed from the raw settings by Finish).
	DigestHour                              int          // 0–23, Europe/Paris
	DigestWeekday                           time.Weekday // of the weekly digest
	ReminderDays                            int          // remind moderators after, escalate after twice
	digestHour, digestWeekday, reminderDays string
	// ReviewAfter is how long a published practice stays current before
	// its author is asked to confirm it (--review-after).
	ReviewAfter passerelle.Period
	reviewAfter string
	// Deadlines, admission and workers (parsed by finishFaults): how long a
	// request may work, and a long one (exports, uploads, downloads); how
	// many requests may be in progress at once; how many jobs of the
	// default queue and e-mail jobs run at once (0: the defaults).
	RequestTimeout, LongRequestTimeout   time.Duration
	MaxRequests, JobWorkers, MailWorkers int
	requestTimeout, longRequestTimeout   string
	maxRequests, jobWorkers, mailWorkers string
	// Single sign-on with an OpenID Connect provider (issue 17; checked by
	// finishOIDC). OIDCIssuer empty: no provider, no button.
	OIDCIssuer, OIDCClientID, OIDCClientSecret string
	OIDCScopes                                 []string // "openid email" by default; openid always
	OIDCLabel                                  string   // the button's text: "Se connecter avec <label>"
	OIDCACRValues                              string   // acr_values asked for, "" for none
	OIDCTrustEmail                             bool     // trust e-mail addresses the provider does not say are verified
	oidcScopes, oidcTrustEmail                 string
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
		{"digest-hour", "PASSERELLE_DIGEST_HOUR", "7", "hour of the daily and weekly digests, Europe/Paris time (0-23)", &c.digestHour},
		{"digest-weekday", "PASSERELLE_DIGEST_WEEKDAY", "monday", "day of the weekly digest", &c.digestWeekday},
		{"reminder-days", "PASSERELLE_REMINDER_DAYS", "7", "remind moderators of submissions waiting this many days (escalate after twice)", &c.reminderDays},
		{"review-after", "PASSERELLE_REVIEW_AFTER", "24mo", "ask authors to confirm a published practice is current after this period (24mo, 2y, 90d; a bare number is months)", &c.reviewAfter},
		{"attachments-url", "PASSERELLE_ATTACHMENTS_URL", "", "bucket for attachments, e.g. s3://bucket?region=…; empty keeps them in <data-dir>/attachments", &c.AttachmentsURL},
		{"max-attachment-size", "PASSERELLE_MAX_ATTACHMENT_SIZE", "20MB", "largest attachment accepted (e.g. 20MB, 512KB; 1MB = 1,048,576 bytes)", &c.maxAttachment},
		{"attachment-quota", "PASSERELLE_ATTACHMENT_QUOTA", "500MB", "storage of attachments per account, practices and meetings together (same syntax as --max-attachment-size)", &c.attachmentQuota},
		{"trusted-proxies", "PASSERELLE_TRUSTED_PROXIES", "", "reverse proxies whose X-Forwarded-For gives the client's address, comma-separated addresses or CIDR ranges (e.g. 127.0.0.1,10.0.0.0/8); empty: the connection's address", &c.trustedProxies},
		{"claim-ttl", "PASSERELLE_CLAIM_TTL", "48h", "how long a moderator's claim on a submission holds (e.g. 48h, 90m)", &c.claimTTL},
		// Deadlines, admission and workers (issue 10).
		{"request-timeout", "PASSERELLE_REQUEST_TIMEOUT", "15s", "how long a request may work before it answers 503 (e.g. 15s)", &c.requestTimeout},
		{"long-request-timeout", "PASSERELLE_LONG_REQUEST_TIMEOUT", "5m", "the same for exports, uploads and downloads", &c.longRequestTimeout},
		{"max-requests", "PASSERELLE_MAX_REQUESTS", "64", "requests in progress at once; more wait a second, then get 503", &c.maxRequests},
		{"job-workers", "PASSERELLE_JOB_WORKERS", "0", "background jobs run at once, e-mails aside (0: 4 on SQLite, 10 on PostgreSQL)", &c.jobWorkers},
		{"mail-workers", "PASSERELLE_MAIL_WORKERS", "8", "e-mail jobs run at once (each keeps one SMTP connection open)", &c.mailWorkers},
		// Open standards (issue 16).
		{"oai-repository-id", "PASSERELLE_OAI_REPOSITORY_ID", "", "OAI-PMH repository identifier, a domain name (default: the base URL's host, kept from the first start)", &c.OAIRepositoryID},
		{"oai-admin-email", "PASSERELLE_OAI_ADMIN_EMAIL", "", "contact address OAI-PMH harvesters are given (default: the --mail-from address)", &c.OAIAdminEmail},
		// Single sign-on (issue 17).
		{"oidc-issuer", "PASSERELLE_OIDC_ISSUER", "", "OpenID Connect provider's issuer URL (e.g. https://fca.integ01.dev-agentconnect.fr/api/v2); empty: no single sign-on", &c.OIDCIssuer},
		{"oidc-client-id", "PASSERELLE_OIDC_CLIENT_ID", "", "client ID Passerelle is registered under at the provider", &c.OIDCClientID},
		{"oidc-client-secret", "PASSERELLE_OIDC_CLIENT_SECRET", "", "client secret given by the provider", &c.OIDCClientSecret},
		{"oidc-scopes", "PASSERELLE_OIDC_SCOPES", "openid email", "scopes asked for, space-separated (ProConnect: openid email given_name usual_name uid siret)", &c.oidcScopes},
		{"oidc-label", "PASSERELLE_OIDC_LABEL", "", "provider's name on the sign-in button (default: the issuer's host)", &c.OIDCLabel},
		{"oidc-acr-values", "PASSERELLE_OIDC_ACR_VALUES", "", "acr_values asked of the provider, space-separated (e.g. eidas1); empty: none", &c.OIDCACRValues},
		{"oidc-trust-unverified-email", "PASSERELLE_OIDC_TRUST_UNVERIFIED_EMAIL", "false", "link and open accounts by e-mail even when the provider does not say the e-mail is verified (ProConnect sends no email_verified)", &c.oidcTrustEmail},
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
	if err := c.finishSchedule(); err != nil {
		return err
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		return fmt.Errorf("bad --log-level %q", c.LogLevel)
	}
	if c.AttachmentsURL != "" {
		if u, err := url.Parse(c.AttachmentsURL); err != nil || u.Scheme == "" {
			return fmt.Errorf("bad --attachments-url: expected a bucket URL such as s3://bucket?region=…")
		}
	}
	n, err := ParseSize(c.maxAttachment)
	if err != nil || n <= 0 {
		return fmt.Errorf("bad --max-attachment-size %q: expected a size such as 20MB", c.maxAttachment)
	}
	c.MaxAttachmentSize = n
	q, err := ParseSize(c.attachmentQuota)
	if err != nil || q <= 0 {
		return fmt.Errorf("bad --attachment-quota %q: expected a size such as 500MB", c.attachmentQuota)
	}
	c.AttachmentQuota = q
	proxies, err := ParseProxies(c.trustedProxies)
	if err != nil {
		return fmt.Errorf("bad --trusted-proxies %q: %v", c.trustedProxies, err)
	}
	c.TrustedProxies = proxies
	d, err := time.ParseDuration(c.claimTTL)
	if err != nil || d < time.Minute {
		return fmt.Errorf("bad --claim-ttl %q: expected a duration of a minute or more, such as 48h", c.claimTTL)
	}
	c.ClaimTTL = d
	if err := c.finishFaults(); err != nil {
		return err
	}
	if err := c.finishOAI(); err != nil {
		return err
	}
	return c.finishOIDC()
}

// scopePattern is one OAuth 2.0 scope token (RFC 6749 §3.3).
var scopePattern = regexp.MustCompile(`^[\x21\x23-\x5B\x5D-\x7E]+$`)

// finishOIDC checks the single sign-on settings: all or nothing, a URL for
// the issuer (https, except on the loopback for development), scopes that
// are scope tokens.
func (c *Config) finishOIDC() error {
	c.OIDCIssuer = strings.TrimSpace(c.OIDCIssuer)
	c.OIDCClientID = strings.TrimSpace(c.OIDCClientID)
	switch v := strings.ToLower(strings.TrimSpace(c.oidcTrustEmail)); v {
	case "", "false", "0", "no":
		c.OIDCTrustEmail = false
	case "true", "1", "yes":
		c.OIDCTrustEmail = true
	default:
		return fmt.Errorf("bad --oidc-trust-unverified-email %q: expected true or false", c.oidcTrustEmail)
	}
	if c.OIDCIssuer == "" {
		if c.OIDCClientID != "" || c.OIDCClientSecret != "" {
			return fmt.Errorf("bad --oidc-client-id/--oidc-client-secret: given without --oidc-issuer")
		}
		return nil
	}
	u, err := url.Parse(c.OIDCIssuer)
	if err != nil || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || (u.Scheme != "https" && u.Scheme != "http") {
		return fmt.Errorf("bad --oidc-issuer %q: expected the provider's https:// issuer URL", c.OIDCIssuer)
	}
	if u.Scheme == "http" {
		host := u.Hostname()
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return fmt.Errorf("bad --oidc-issuer %q: an issuer other than localhost must be https://", c.OIDCIssuer)
		}
	}
	if c.OIDCClientID == "" {
		return fmt.Errorf("bad --oidc-client-id: required with --oidc-issuer")
	}
	if c.OIDCClientSecret == "" {
		return fmt.Errorf("bad --oidc-client-secret: required with --oidc-issuer")
	}
	c.OIDCScopes = nil
	hasOpenID := false
	for _, s := range strings.FieldsFunc(c.oidcScopes, func(r rune) bool { return r == ' ' || r == ',' }) {
		if !scopePattern.MatchString(s) {
			return fmt.Errorf("bad --oidc-scopes %q: %q is not a scope", c.oidcScopes, s)
		}
		hasOpenID = hasOpenID || s == "openid"
		c.OIDCScopes = append(c.OIDCScopes, s)
	}
	if !hasOpenID {
		c.OIDCScopes = append([]string{"openid"}, c.OIDCScopes...)
	}
	c.OIDCACRValues = strings.Join(strings.Fields(c.OIDCACRValues), " ")
	c.OIDCLabel = strings.TrimSpace(c.OIDCLabel)
	if c.OIDCLabel == "" {
		c.OIDCLabel = u.Hostname()
	}
	return nil
}

// finishFaults parses the deadlines, the admission limit and the numbers of
// workers.
func (c *Config) finishFaults() error {
	for _, d := range []struct {
		name, raw string
		min       time.Duration
		dst       *time.Duration
	}{
		{"request-timeout", c.requestTimeout, time.Second, &c.RequestTimeout},
		{"long-request-timeout", c.longRequestTimeout, time.Second, &c.LongRequestTimeout},
	} {
		v, err := time.ParseDuration(d.raw)
		if err != nil || v < d.min {
			return fmt.Errorf("bad --%s %q: expected a duration of a second or more, such as 15s", d.name, d.raw)
		}
		*d.dst = v
	}
	if c.LongRequestTimeout < c.RequestTimeout {
		return fmt.Errorf("bad --long-request-timeout %s: shorter than --request-timeout %s", c.LongRequestTimeout, c.RequestTimeout)
	}
	for _, n := range []struct {
		name, raw string
		min       int
		dst       *int
	}{
		{"max-requests", c.maxRequests, 1, &c.MaxRequests},
		{"job-workers", c.jobWorkers, 0, &c.JobWorkers},
		{"mail-workers", c.mailWorkers, 1, &c.MailWorkers},
	} {
		v, err := strconv.Atoi(n.raw)
		if err != nil || v < n.min || v > 10000 {
			return fmt.Errorf("bad --%s %q: expected a whole number from %d to 10000", n.name, n.raw, n.min)
		}
		*n.dst = v
	}
	return nil
}

// oaiRepositoryPattern is a domain name, as the oai-identifier scheme asks of
// a repository identifier.
var oaiRepositoryPattern = regexp.MustCompile(`^[a-zA-Z][a-zA-Z0-9\-]*(\.[a-zA-Z][a-zA-Z0-9\-]*)+$`)

func (c *Config) finishOAI() error {
	c.OAIRepositoryID = strings.ToLower(strings.TrimSpace(c.OAIRepositoryID))
	if c.OAIRepositoryID != "" && !oaiRepositoryPattern.MatchString(c.OAIRepositoryID) {
		return fmt.Errorf("bad --oai-repository-id %q: expected a domain name such as passerelle.example.org", c.OAIRepositoryID)
	}
	email := strings.TrimSpace(c.OAIAdminEmail)
	if email == "" {
		// The sender's address, when it reads as one (the mail settings
		// report their own faults).
		if a, err := mail.ParseAddress(c.MailFrom); err == nil {
			c.OAIAdminEmail = a.Address
		}
		return nil
	}
	a, err := mail.ParseAddress(email)
	if err != nil || !strings.Contains(a.Address, "@") {
		return fmt.Errorf("bad --oai-admin-email %q: expected an e-mail address", email)
	}
	c.OAIAdminEmail = a.Address
	return nil
}

// ParseProxies reads a comma-separated list of addresses and CIDR ranges.
func ParseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for _, f := range strings.Split(s, ",") {
		if f = strings.TrimSpace(f); f == "" {
			continue
		}
		if p, err := netip.ParsePrefix(f); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(f)
		if err != nil {
			return nil, fmt.Errorf("%q is neither an address nor a CIDR range", f)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

// ParseSize reads a size such as "20MB", "512KB", "1GB" or "1048576"
// (bytes); KB, MB and GB are powers of 1024.
func ParseSize(s string) (int64, error) {
	s = strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}, {"G", 1 << 30}, {"M", 1 << 20}, {"K", 1 << 10}, {"B", 1}} {
		if rest, ok := strings.CutSuffix(s, u.suffix); ok {
			s, mult = strings.TrimSpace(rest), u.mult
			break
		}
	}
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil || n < 0 || n > (1<<62)/mult {
		return 0, fmt.Errorf("bad size %q", s)
	}
	return n * mult, nil
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

// finishSchedule parses the settings of digests and reminders.
func (c *Config) finishSchedule() error {
	h, err := strconv.Atoi(c.digestHour)
	if err != nil || h < 0 || h > 23 {
		return fmt.Errorf("bad --digest-hour %q: expected 0 to 23", c.digestHour)
	}
	c.DigestHour = h
	found := false
	for d := time.Sunday; d <= time.Saturday; d++ {
		if strings.EqualFold(c.digestWeekday, d.String()) {
			c.DigestWeekday, found = d, true
		}
	}
	if !found {
		return fmt.Errorf("bad --digest-weekday %q: expected monday to sunday", c.digestWeekday)
	}
	n, err := strconv.Atoi(c.reminderDays)
	if err != nil || n < 1 || n > 365 {
		return fmt.Errorf("bad --reminder-days %q: expected 1 to 365", c.reminderDays)
	}
	c.ReminderDays = n
	if c.ReviewAfter, err = passerelle.ParsePeriod(c.reviewAfter); err != nil {
		return fmt.Errorf("bad --review-after %v", err)
	}
	return nil
}
