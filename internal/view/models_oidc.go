package view

import "time"

// IdentityAuditActions and SignInRefusals list the values of single
// sign-on translated by key ("audit.action.<v>", "oidc.error.<v>"); they
// mirror internal/passerelle/identity.go ("failed" is the web layer's word
// for an error without a reason).
var (
	IdentityAuditActions = []string{"user.identity.link", "user.password.remove"}
	SignInRefusals       = []string{"state", "denied", "unavailable", "token", "email_missing", "email_unverified",
		"disabled", "taken", "failed"}
)

// SignInView says how an account signs in: with a password, through the
// providers named (their labels), or both.
type SignInView struct {
	Password  bool
	Providers []ProviderLink
}

// ProviderLink is an account's link to an OpenID provider.
type ProviderLink struct {
	Label    string
	Since    time.Time
	LastUsed time.Time
}
