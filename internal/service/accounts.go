package service

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strconv"
	"strings"
	"time"

	"github.com/alexedwards/argon2id"
	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// Lifetimes of credentials.
const (
	TokenLifetime        = 30 * 24 * time.Hour
	SessionLifetime      = 7 * 24 * time.Hour // absolute
	SessionIdleTimeout   = 12 * time.Hour
	sessionTouchInterval = time.Minute
)

// Hasher hashes and checks passwords with argon2id.
type Hasher struct{ Params *argon2id.Params }

// DefaultHasher uses the OWASP-recommended argon2id parameters (19 MiB, two
// passes, one lane).
var DefaultHasher = Hasher{Params: &argon2id.Params{Memory: 19 * 1024, Iterations: 2, Parallelism: 1, SaltLength: 16, KeyLength: 32}}

// Hash returns the encoded hash of password.
func (h Hasher) Hash(password string) (string, error) { return argon2id.CreateHash(password, h.Params) }

// dummyHash is compared against when an account does not exist, so that
// a wrong e-mail takes as long to refuse as a wrong password: a comparison
// costs what the parameters written in the hash say, DefaultHasher's
// (TestDummyHashCostsAsMuch). It is written out rather than computed at
// init, which cost every start of the binary a quarter of a second and
// 20 MB of heap.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$nbVA96brTqxJUXrVdMZBoA$axCy1GOj1kk7RqyICyYUhSlB3vTbMg2QwAgz2n5ASQ0"

// NewUser is the input of CreateUser.
type NewUser struct {
	Email    string
	Name     string
	Password string
	Admin    bool
	Lang     string
}

// CreateUser creates an account. Errors: validation_failed (bad e-mail,
// missing name, password under 12 characters), conflict (e-mail taken).
func (s *Service) CreateUser(ctx context.Context, in NewUser) (*passerelle.User, error) {
	in.Email = passerelle.NormalizeEmail(in.Email)
	in.Name = strings.TrimSpace(in.Name)
	if err := passerelle.ValidateNewUser(in.Email, in.Name, in.Password); err != nil {
		return nil, err
	}
	hash, err := s.hashPassword(ctx, in.Password)
	if err != nil {
		return nil, err
	}
	u := &passerelle.User{Email: in.Email, Name: in.Name, Admin: in.Admin, Lang: in.Lang}
	err = s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		if err := store.InsertUser(ctx, tx, u, hash); err != nil {
			return err
		}
		if err := audit(ctx, tx, nil, passerelle.AuditUserCreate, u.Email, map[string]string{
			"name": u.Name, "admin": strconv.FormatBool(u.Admin)}); err != nil {
			return err
		}
		return store.BumpPolicyVersion(ctx, tx)
	})
	return u, err
}

// Authenticate returns the enabled account matching email and password, or
// an unauthenticated error that does not say which of the two was wrong.
// The attempt is counted before the password is checked, against the
// account and against the client's address (WithClient): past a few
// failures in a row each waits a growing delay (signin.go). Errors:
// unauthenticated, rate_limited (with RetryAfter; nothing was checked).
func (s *Service) Authenticate(ctx context.Context, email, password string) (*passerelle.User, error) {
	var u *passerelle.User
	ok, err := s.checkThrottled(ctx, email, password, func() (string, error) {
		found, hash, err := store.UserByEmail(ctx, s.DB.Read, passerelle.NormalizeEmail(email))
		if passerelle.ErrorCode(err) == passerelle.ENotFound {
			return "", nil // compared with a dummy hash: as long as a wrong password
		}
		u = found
		return hash, err
	})
	if err != nil {
		return nil, err
	}
	if !ok || u == nil || u.Disabled() {
		return nil, passerelle.Errorf(passerelle.EUnauthn, "Wrong e-mail or password.")
	}
	return u, nil
}

// newSecret returns a random token and the hash under which it is stored:
// a stolen database does not yield usable credentials.
func newSecret(prefix string) (token, hash string) {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	token = prefix + base64.RawURLEncoding.EncodeToString(b)
	return token, hashSecret(token)
}

func hashSecret(token string) string {
	sum := sha256.Sum256([]byte(token))
	return hex.EncodeToString(sum[:])
}

// CreateToken issues an API token for u.
func (s *Service) CreateToken(ctx context.Context, u *passerelle.User) (string, time.Time, error) {
	token, hash := newSecret("psl_")
	expires := store.Now().Add(TokenLifetime)
	return token, expires, store.InsertToken(ctx, s.DB.Bun, hash, u.ID, expires)
}

// UserFromToken returns the account of a live API token, or unauthenticated.
func (s *Service) UserFromToken(ctx context.Context, token string) (*passerelle.User, error) {
	return store.TokenUser(ctx, s.DB.Read, hashSecret(token))
}

// RevokeToken revokes an API token at once.
func (s *Service) RevokeToken(ctx context.Context, token string) error {
	return store.RevokeToken(ctx, s.DB.Bun, hashSecret(token))
}

// CreateSession opens a server-side session for u and returns its cookie
// value. A fresh identifier at every login prevents session fixation.
func (s *Service) CreateSession(ctx context.Context, u *passerelle.User) (string, time.Time, error) {
	token, hash := newSecret("")
	expires := store.Now().Add(SessionLifetime)
	return token, expires, store.InsertSession(ctx, s.DB.Bun, hash, u.ID, expires)
}

// UserFromSession returns the account of a live session, or unauthenticated.
// It records activity at most once a minute, for the idle timeout.
func (s *Service) UserFromSession(ctx context.Context, token string) (*passerelle.User, error) {
	hash := hashSecret(token)
	u, lastSeen, err := store.SessionUser(ctx, s.DB.Read, hash, SessionIdleTimeout)
	if err != nil {
		return nil, err
	}
	if time.Since(lastSeen) > sessionTouchInterval {
		if err := store.TouchSession(ctx, s.DB.Bun, hash); err != nil {
			return nil, err
		}
	}
	return u, nil
}

// EndSession deletes a session server-side (logout).
func (s *Service) EndSession(ctx context.Context, token string) error {
	return store.DeleteSession(ctx, s.DB.Bun, hashSecret(token))
}

// DisableUser disables the account with email: it can no longer sign in and
// its sessions and tokens stop working at once. actor is nil for the command
// line, otherwise an administrator. Disabling an account already disabled
// changes nothing. Errors: forbidden, not_found, conflict (the last enabled
// administrator: nobody could administer the platform any more).
func (s *Service) DisableUser(ctx context.Context, actor Actor, email string) error {
	if err := cliOrAdmin(actor, "Only administrators manage accounts."); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		u, _, err := store.UserByEmail(ctx, tx, passerelle.NormalizeEmail(email))
		if err != nil {
			return err
		}
		if u.Disabled() {
			return nil
		}
		if u.IsAdmin() {
			n, err := store.CountEnabledAdmins(ctx, tx)
			if err != nil {
				return err
			}
			if n <= 1 {
				return passerelle.Errorf(passerelle.EConflict, "This is the last administrator: make another account administrator first.")
			}
		}
		if err := store.DisableUser(ctx, tx, u.ID); err != nil {
			return err
		}
		if err := audit(ctx, tx, actor, passerelle.AuditUserDisable, u.Email, nil); err != nil {
			return err
		}
		return store.BumpPolicyVersion(ctx, tx)
	})
}

// EnableUser lets a disabled account sign in again, with its roles; the
// sessions and tokens it had stay revoked. actor is nil for the command
// line, otherwise an administrator. Enabling an enabled account changes
// nothing. Errors: forbidden, not_found.
func (s *Service) EnableUser(ctx context.Context, actor Actor, email string) error {
	if err := cliOrAdmin(actor, "Only administrators manage accounts."); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		u, _, err := store.UserByEmail(ctx, tx, passerelle.NormalizeEmail(email))
		if err != nil {
			return err
		}
		ok, err := store.EnableUser(ctx, tx, u.ID)
		if err != nil || !ok {
			return err
		}
		if err := audit(ctx, tx, actor, passerelle.AuditUserEnable, u.Email, nil); err != nil {
			return err
		}
		return store.BumpPolicyVersion(ctx, tx)
	})
}

// Users lists every account (admins only).
func (s *Service) Users(ctx context.Context, actor Actor) ([]*passerelle.User, error) {
	if err := mustAdmin(actor, "Only administrators manage accounts."); err != nil {
		return nil, err
	}
	return store.ListUsers(ctx, s.DB.Read)
}

// MaxUserResults bounds a search of accounts.
const MaxUserResults = 200

// SearchUsers returns the accounts whose name or e-mail contains q (every
// account when q is empty), by name, at most MaxUserResults (admins only).
// Errors: unauthenticated, forbidden.
func (s *Service) SearchUsers(ctx context.Context, actor Actor, q string) ([]*passerelle.User, error) {
	if err := mustAdmin(actor, "Only administrators manage accounts."); err != nil {
		return nil, err
	}
	return store.SearchUsers(ctx, s.DB.Read, q, MaxUserResults)
}

// GrantsOfUsers returns the roles of several accounts, by account (admins
// only). Errors: unauthenticated, forbidden.
func (s *Service) GrantsOfUsers(ctx context.Context, actor Actor, users []*passerelle.User) (map[int64][]passerelle.Grant, error) {
	if err := mustAdmin(actor, "Only administrators manage accounts."); err != nil {
		return nil, err
	}
	ids := make([]int64, len(users))
	for i, u := range users {
		ids[i] = u.ID
	}
	return store.GrantsOfUsers(ctx, s.DB.Read, ids)
}

// User returns one account and its roles (admins only). Errors:
// unauthenticated, forbidden, not_found.
func (s *Service) User(ctx context.Context, actor Actor, id int64) (*passerelle.User, []passerelle.Grant, error) {
	if err := mustAdmin(actor, "Only administrators manage accounts."); err != nil {
		return nil, nil, err
	}
	u, err := store.UserByID(ctx, s.DB.Read, id)
	if err != nil {
		return nil, nil, err
	}
	grants, err := store.GrantsOfUser(ctx, s.DB.Read, id)
	return u, grants, err
}

// GrantInput names a role, a territory and the account concerned.
type GrantInput struct {
	Email     string
	Role      string
	Territory string
}

func (s *Service) resolveGrant(ctx context.Context, tx bun.IDB, in GrantInput) (passerelle.Grant, error) {
	v := passerelle.Validation{}
	role := passerelle.Role(in.Role)
	if !role.Grantable() {
		v.Add("role", passerelle.FieldUnknown)
	}
	snap, err := s.snapshot(ctx)
	if err != nil {
		return passerelle.Grant{}, err
	}
	if snap.Tree().Get(in.Territory) == nil {
		v.Add("territory", passerelle.FieldUnknown)
	}
	u, _, err := store.UserByEmail(ctx, tx, passerelle.NormalizeEmail(in.Email))
	if passerelle.ErrorCode(err) == passerelle.ENotFound {
		v.Add("email", passerelle.FieldUnknown)
	} else if err != nil {
		return passerelle.Grant{}, err
	}
	if err := v.Err(); err != nil {
		return passerelle.Grant{}, err
	}
	return passerelle.Grant{UserID: u.ID, Role: role, Territory: in.Territory}, nil
}

// Grant gives a role on a territory (and everything below it). actor is nil
// for the command line; otherwise it must be an admin. Granting a role
// already held changes nothing. Errors: validation_failed (unknown account,
// role or territory), forbidden.
func (s *Service) Grant(ctx context.Context, actor Actor, in GrantInput) error {
	if err := cliOrAdmin(actor, "Only administrators grant roles."); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		g, err := s.resolveGrant(ctx, tx, in)
		if err != nil {
			return err
		}
		added, err := store.InsertGrant(ctx, tx, g)
		if err != nil || !added {
			return err
		}
		if err := audit(ctx, tx, actor, passerelle.AuditRoleGrant, passerelle.NormalizeEmail(in.Email),
			map[string]string{"role": string(g.Role), "territory": g.Territory}); err != nil {
			return err
		}
		return store.BumpPolicyVersion(ctx, tx)
	})
}

// Revoke takes a role back; every process applies it on its next request.
// Errors: validation_failed, not_found (the role was not held), forbidden.
func (s *Service) Revoke(ctx context.Context, actor Actor, in GrantInput) error {
	if err := cliOrAdmin(actor, "Only administrators revoke roles."); err != nil {
		return err
	}
	return s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
		g, err := s.resolveGrant(ctx, tx, in)
		if err != nil {
			return err
		}
		ok, err := store.DeleteGrant(ctx, tx, g)
		if err != nil {
			return err
		} else if !ok {
			return passerelle.Errorf(passerelle.ENotFound, "This account does not hold this role on this territory.")
		}
		if err := audit(ctx, tx, actor, passerelle.AuditRoleRevoke, passerelle.NormalizeEmail(in.Email),
			map[string]string{"role": string(g.Role), "territory": g.Territory}); err != nil {
			return err
		}
		return store.BumpPolicyVersion(ctx, tx)
	})
}

// GrantsOf returns the grants of a user.
func (s *Service) GrantsOf(ctx context.Context, userID int64) ([]passerelle.Grant, error) {
	return store.GrantsOfUser(ctx, s.DB.Read, userID)
}
