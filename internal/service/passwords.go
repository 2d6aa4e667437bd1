package service

import (
	"context"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/jobs"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// RequestPasswordReset asks for a reset link to be e-mailed to the account
// with email, if there is one that may sign in. It answers the same — nil
// — in the same time in every case, so that the form does not tell who has
// an account: it only queues a job, which looks the address up (see
// jobs.RequestPasswordResetArgs; one e-mail per account per
// jobs.ResetInterval).
func (s *Service) RequestPasswordReset(ctx context.Context, email string) error {
	_, err := s.River.Insert(ctx, jobs.RequestPasswordResetArgs{Email: passerelle.NormalizeEmail(email)}, nil)
	return err
}

// openReset returns the reset a link carries if it may still be used:
// not_found for a token that matches nothing (or a disabled account),
// conflict for one used or expired.
func openReset(ctx context.Context, db bun.IDB, token string) (*store.PasswordReset, error) {
	unknown := tokenError(passerelle.ENotFound, TokenUnknown, "This password reset link is not valid.")
	if token == "" {
		return nil, unknown
	}
	r, err := store.PasswordResetByTokenHash(ctx, db, passerelle.HashSecret(token))
	if passerelle.ErrorCode(err) == passerelle.ENotFound {
		return nil, unknown
	} else if err != nil {
		return nil, err
	}
	switch {
	case r.UsedAt != nil:
		return nil, tokenError(passerelle.EConflict, TokenUsed, "This password reset link has already been used; ask for a new one.")
	case !store.Now().Before(r.ExpiresAt):
		return nil, tokenError(passerelle.EConflict, TokenExpired, "This password reset link has expired; ask for a new one.")
	}
	u, err := store.UserByID(ctx, db, r.UserID)
	if err != nil {
		return nil, err
	}
	if u.Disabled() {
		return nil, unknown
	}
	return r, nil
}

// CheckPasswordReset tells whether a reset link may still be used, for the
// new-password page. Errors: not_found, conflict (used, expired).
func (s *Service) CheckPasswordReset(ctx context.Context, token string) error {
	_, err := openReset(ctx, s.DB.Read, token)
	return err
}

// ResetPassword sets a new password with the token of a reset link, once,
// and ends every session and every API token of the account. Errors: not_found, conflict (used,
// expired), validation_failed (password under 12 characters).
func (s *Service) ResetPassword(ctx context.Context, token, password string) (*passerelle.User, error) {
	r, err := openReset(ctx, s.DB.Read, token)
	if err != nil {
		return nil, err
	}
	if err := passerelle.ValidatePassword("password", password); err != nil {
		return nil, err
	}
	hash, err := s.hashPassword(ctx, password)
	if err != nil {
		return nil, err
	}
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		ok, err := store.UsePasswordReset(ctx, tx, r, store.Now())
		if err != nil {
			return err
		} else if !ok {
			return tokenError(passerelle.EConflict, TokenUsed, "This password reset link has already been used; ask for a new one.")
		}
		if err := store.SetPasswordHash(ctx, tx, r.UserID, hash); err != nil {
			return err
		}
		// Whoever knew the old password may hold a session or a token:
		// they all end with it.
		return store.EndCredentials(ctx, tx, r.UserID, "")
	})
	if err != nil {
		return nil, err
	}
	return store.UserByID(ctx, s.DB.Read, r.UserID)
}

// WrongCurrentPassword is the error of ChangePassword when the current
// password is wrong; the web layer counts it as a failed attempt.
func WrongCurrentPassword() error {
	return &passerelle.Error{Code: passerelle.EValidation, Message: "The current password is wrong.",
		Fields: map[string]string{"current_password": passerelle.FieldInvalid}}
}

// ChangePassword replaces the actor's password, given the current one, and
// ends their other credentials: every session and API token but the one in
// use (keep: the session cookie's value or the bearer token; "" for none).
// Errors: unauthenticated, validation_failed (current_password wrong, see
// WrongCurrentPassword; new_password too short or missing), rate_limited
// (with RetryAfter).
func (s *Service) ChangePassword(ctx context.Context, actor Actor, current, next, keep string) error {
	if actor == nil || actor.Disabled() {
		return SignInNeeded()
	}
	if current == "" {
		return &passerelle.Error{Code: passerelle.EValidation, Message: "Type your current password.",
			Fields: map[string]string{"current_password": passerelle.FieldRequired}}
	}
	// The current password is checked like a sign-in's, throttled per
	// account and per address: a stolen session must not become a way to
	// guess it.
	ok, err := s.checkThrottled(ctx, actor.Email, current, func() (string, error) {
		return store.PasswordHash(ctx, s.DB.Read, actor.ID)
	})
	if err != nil {
		return err
	} else if !ok {
		return WrongCurrentPassword()
	}
	if err := passerelle.ValidatePassword("new_password", next); err != nil {
		return err
	}
	newHash, err := s.hashPassword(ctx, next)
	if err != nil {
		return err
	}
	keepHash := ""
	if keep != "" {
		keepHash = passerelle.HashSecret(keep)
	}
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := store.SetPasswordHash(ctx, tx, actor.ID, newHash); err != nil {
			return err
		}
		return store.EndCredentials(ctx, tx, actor.ID, keepHash)
	})
}

// maxTokenName is the longest label of an API token.
const maxTokenName = 100

// CreateNamedToken issues an API token for the actor, with a label to tell
// it apart on "Mes jetons". The token is returned once; only its hash is
// kept. Errors: unauthenticated, validation_failed (label too long).
func (s *Service) CreateNamedToken(ctx context.Context, actor Actor, name string) (string, passerelle.APIToken, error) {
	if actor == nil || actor.Disabled() {
		return "", passerelle.APIToken{}, SignInNeeded()
	}
	name = strings.TrimSpace(name)
	if utf8.RuneCountInString(name) > maxTokenName {
		return "", passerelle.APIToken{}, &passerelle.Error{Code: passerelle.EValidation, Message: "The name is too long.",
			Fields: map[string]string{"name": passerelle.FieldTooLong}}
	}
	token, hash := passerelle.NewSecret("psl_")
	now := store.Now()
	info := passerelle.APIToken{Name: name, CreatedAt: now, ExpiresAt: now.Add(TokenLifetime)}
	id, err := store.InsertNamedToken(ctx, s.DB.Bun, hash, actor.ID, name, info.ExpiresAt)
	info.ID = id
	return token, info, err
}

// Tokens lists the actor's API tokens, newest first, revoked and expired
// ones included. Errors: unauthenticated.
func (s *Service) Tokens(ctx context.Context, actor Actor) ([]passerelle.APIToken, error) {
	if actor == nil {
		return nil, SignInNeeded()
	}
	return store.ListTokens(ctx, s.DB.Read, actor.ID)
}

// RevokeTokenByID revokes one of the actor's API tokens at once. Errors:
// unauthenticated, not_found (no such live token of the actor's).
func (s *Service) RevokeTokenByID(ctx context.Context, actor Actor, id int64) error {
	if actor == nil {
		return SignInNeeded()
	}
	ok, err := store.RevokeTokenOf(ctx, s.DB.Bun, actor.ID, id)
	if err != nil {
		return err
	} else if !ok {
		return passerelle.Errorf(passerelle.ENotFound, "Token not found.")
	}
	return nil
}
