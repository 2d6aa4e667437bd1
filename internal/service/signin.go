package service

import (
	"context"
	"runtime"
	"sync/atomic"
	"time"

	"github.com/alexedwards/argon2id"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// Password checks that cannot be raced nor turned against their owner
// (issue 9). Every check of a password — signing in on the form, a token
// for the API, the current password of a change — is counted in the
// database before the hash is computed (passerelle.AccountThrottle,
// passerelle.SourceThrottle), so that a burst gets a handful of checks
// however parallel, in one process or several; and at most a few hashes
// run at once in a process, so that memory stays bounded whatever the
// burst (argon2id takes 19 MiB each).

type clientKey struct{}

// WithClient returns ctx carrying the address of the client a request
// comes from: password checks made with it are throttled per address as
// well as per account.
func WithClient(ctx context.Context, addr string) context.Context {
	return context.WithValue(ctx, clientKey{}, addr)
}

// ClientOf returns the client address WithClient put in ctx, or "".
func ClientOf(ctx context.Context) string {
	addr, _ := ctx.Value(clientKey{}).(string)
	return addr
}

// MaxHashes is how many password hashes a process computes at once; the
// others wait up to HashWait for a place, then are refused (rate_limited,
// retry after a second) without being checked.
var MaxHashes = max(2, min(4, runtime.GOMAXPROCS(0)))

// HashWait: see MaxHashes.
const HashWait = 2 * time.Second

var (
	hashSlots      = make(chan struct{}, MaxHashes)
	passwordChecks atomic.Int64
	hashesRunning  atomic.Int64
	hashesPeak     atomic.Int64
	pruneEvery     atomic.Int64
)

// PasswordChecks returns how many passwords this process has compared
// with a hash, and the most hashes it has run at once, for tests and
// measurements.
func PasswordChecks() (checks, peak int64) { return passwordChecks.Load(), hashesPeak.Load() }

func busy() error {
	return passerelle.RateLimited(time.Second)
}

// withHashSlot runs fn with one of the process's MaxHashes places.
func withHashSlot(ctx context.Context, fn func()) error {
	select {
	case hashSlots <- struct{}{}:
	default:
		t := time.NewTimer(HashWait)
		defer t.Stop()
		select {
		case hashSlots <- struct{}{}:
		case <-t.C:
			return busy()
		case <-ctx.Done():
			return busy()
		}
	}
	defer func() { <-hashSlots }()
	n := hashesRunning.Add(1)
	defer hashesRunning.Add(-1)
	for {
		peak := hashesPeak.Load()
		if n <= peak || hashesPeak.CompareAndSwap(peak, n) {
			break
		}
	}
	fn()
	return nil
}

// hashPassword hashes a new password, in one of the process's places.
func (s *Service) hashPassword(ctx context.Context, password string) (hash string, err error) {
	if serr := withHashSlot(ctx, func() { hash, err = s.Hasher.Hash(password) }); serr != nil {
		return "", serr
	}
	return hash, err
}

// comparePassword compares password with hash, in one of the process's
// places.
func comparePassword(ctx context.Context, password, hash string) (ok bool, err error) {
	if serr := withHashSlot(ctx, func() {
		passwordChecks.Add(1)
		ok, err = argon2id.ComparePasswordAndHash(password, hash)
	}); serr != nil {
		return false, serr
	}
	return ok, err
}

// checkThrottled compares password with the hash of the account email
// names (hashOf gives "" for no account or no password: the comparison then
// runs against a dummy hash, so that it takes as long, and fails), counting the attempt first against the
// account and the client's address. Errors: rate_limited (with
// RetryAfter: a key must wait, or no place to hash), and those of the
// database; ok reports whether the password matched.
func (s *Service) checkThrottled(ctx context.Context, email, password string, hashOf func() (string, error)) (bool, error) {
	type key struct {
		name string
		th   passerelle.Throttle
	}
	keys := []key{{passerelle.AccountKey(email), passerelle.AccountThrottle}}
	if src := passerelle.SourceKey(ClientOf(ctx)); src != "" {
		keys = append(keys, key{src, passerelle.SourceThrottle})
	}
	now := time.Now()
	if s.Now != nil {
		now = s.Now()
	}
	var taken []string
	release := func() {
		for _, k := range taken {
			if err := store.ReleaseAttempt(context.WithoutCancel(ctx), s.DB.Bun, k); err != nil {
				s.logWarn("release a password attempt", err)
			}
		}
	}
	for _, k := range keys {
		ok, wait, err := store.TakeAttempt(ctx, s.DB.Bun, k.name, k.th, now)
		if err != nil || !ok {
			release()
			if err != nil {
				return false, err
			}
			return false, passerelle.RateLimited(wait)
		}
		taken = append(taken, k.name)
	}
	if pruneEvery.Add(1)%1000 == 0 {
		if err := store.PruneAttempts(ctx, s.DB.Bun, now.Add(-passerelle.SourceThrottle.Forget)); err != nil {
			s.logWarn("prune password attempts", err)
		}
	}
	hash, err := hashOf()
	if err != nil {
		release()
		return false, err
	}
	// No account, or one without a password (it signs in only through its
	// OpenID provider): compared with a dummy hash all the same, so that it
	// takes as long, and never a match.
	noPassword := hash == ""
	if noPassword {
		hash = dummyHash
	}
	ok, err := comparePassword(ctx, password, hash)
	if err != nil {
		release() // not checked: it was no failure
		return false, err
	}
	ok = ok && !noPassword
	if ok {
		release()
		if err := store.ForgetAttempts(context.WithoutCancel(ctx), s.DB.Bun, keys[0].name); err != nil {
			s.logWarn("forget password failures", err)
		}
	}
	return ok, nil
}

func (s *Service) logWarn(msg string, err error) {
	if s.Logger != nil {
		s.Logger.Warn(msg, "err", err)
	}
}
