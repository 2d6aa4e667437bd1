// Package service owns the rules of Passerelle. Each method checks who may do
// what (through the authorizer), applies the domain's workflow, writes the
// history, and enqueues the River jobs it causes — all in one transaction.
// The HTML pages and the JSON API both call these methods, so they cannot
// drift apart.
package service

import (
	"context"
	"database/sql"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"gocloud.dev/blob"

	"github.com/passerelle/passerelle/internal/authz"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// Service is the application: every use case is a method on it.
type Service struct {
	DB      *store.DB
	Authz   *authz.Authorizer
	River   *river.Client[*sql.Tx]
	BaseURL string
	Logger  *slog.Logger
	// Hasher hashes passwords; tests may use cheaper parameters.
	Hasher Hasher
	// Files holds the attachments' content (see internal/bucket).
	Files *blob.Bucket
	// MaxAttachmentSize is the size limit of one attachment, in bytes
	// (passerelle.DefaultMaxAttachmentSize when zero).
	MaxAttachmentSize int64
	// AttachmentQuota is how many bytes of attachments one account may
	// store, practices and meetings together
	// (passerelle.DefaultAttachmentQuota when zero).
	AttachmentQuota int64
	// ClaimTTL is how long a moderator's claim holds
	// (passerelle.DefaultClaimTTL when zero).
	ClaimTTL time.Duration
	// OverdueAfter is how long a submission waits before the moderators'
	// desk calls it overdue (DefaultOverdueAfter when zero): the review
	// reminders' delay.
	OverdueAfter time.Duration
	// MailFrom is the sender of the e-mails ("Name <address>"), the
	// organiser's address in the meetings' iCalendar files.
	MailFrom string
	// DataDir is the folder of the outbox and the attachments (when kept
	// locally): the health check watches its free space. Empty: not
	// watched.
	DataDir string
	// Provider is the OpenID provider people may sign in with; nil: no
	// single sign-on (providers.go).
	Provider IdentityProvider
	// TrustProviderEmail links a first sign-in to the account with the same
	// e-mail, or opens one, even when the provider does not say the e-mail
	// is verified (ProConnect-style federations send no email_verified).
	// Off by default: an unverified address could take over an account.
	TrustProviderEmail bool
	// Now is the clock of the password throttle (nil: time.Now): a test
	// freezes it to count attempts without racing the time a hash takes.
	Now func() time.Time
}

// Actor is who performs a call: nil for an anonymous reader.
type Actor = *passerelle.User

// snapshot returns the current policy, reloading it when another process
// changed it.
func (s *Service) snapshot(ctx context.Context) (*authz.Snapshot, error) {
	return s.Authz.Refresh(ctx)
}

// Snapshot exposes the current policy, territory tree and themes to the
// presentation layers (menus, forms).
func (s *Service) Snapshot(ctx context.Context) (*authz.Snapshot, error) { return s.snapshot(ctx) }

func forbidden(msg string) error { return passerelle.Errorf(passerelle.EForbidden, "%s", msg) }

// SignInNeeded is the one answer to a request that needs a signed-in user,
// for the service and the handlers alike.
func SignInNeeded() error {
	return passerelle.Errorf(passerelle.EUnauthn, "You need to sign in.")
}
