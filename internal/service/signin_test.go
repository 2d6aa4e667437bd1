package service_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/testenv"
)

// TestPasswordBurst: 200 wrong passwords for one account at once, half
// through a second process on the same database, get at most
// AccountThrottle.Free checks; the rest are refused with rate_limited and a
// delay, without being checked. The owner, from another address, signs in
// once that delay is over; never more than MaxHashes hashes ran at once.
func TestPasswordBurst(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		ctx := context.Background()
		// A second process: its own connections to the same database.
		db2, err := store.Open(ctx, b.DatabaseURL, b.DataDir)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { _ = db2.Close() })
		other := &service.Service{DB: db2, Authz: b.Authz, River: b.River, BaseURL: b.BaseURL, Hasher: testenv.FastHasher, Files: b.Files}

		email := w.ModAuthor.Email
		attacker := service.WithClient(ctx, "192.0.2.66:4000")
		const n = 200
		var mu sync.Mutex
		codes := map[string]int{}
		var waits []time.Duration
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			svc := b.Service
			if i%2 == 1 {
				svc = other
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				_, err := svc.Authenticate(attacker, email, "not the password")
				mu.Lock()
				defer mu.Unlock()
				codes[passerelle.ErrorCode(err)]++
				if e, ok := err.(*passerelle.Error); ok && e.RetryAfter > 0 {
					waits = append(waits, e.RetryAfter)
				}
			}()
		}
		began := time.Now()
		close(start)
		wg.Wait()
		allowed := passerelle.AccountThrottle.Allowed(time.Since(began))
		checked := codes[passerelle.EUnauthn]
		if checked < 1 || checked > allowed || codes[passerelle.ERateLimited] != n-checked {
			t.Fatalf("burst of %d in %s: %v, want at most %d checked (unauthenticated), the rest rate_limited", n, time.Since(began), codes, allowed)
		}
		var failures int
		if err := b.DB.Read.NewRaw("SELECT failures FROM password_attempts WHERE key = ?", passerelle.AccountKey(email)).Scan(ctx, &failures); err != nil || failures != checked {
			t.Errorf("failures counted %d (%v), want %d", failures, err, checked)
		}
		longest := time.Duration(0)
		for _, d := range waits {
			longest = max(longest, d)
		}
		// (Each attempt reads the clock before its turn at the database:
		// allow for the time the others took.)
		if limit := passerelle.AccountThrottle.Delay(passerelle.AccountThrottle.Free) + time.Second; longest <= 0 || longest > limit {
			t.Errorf("longest wait %s, want within %s", longest, limit)
		}
		t.Logf("burst of %d on %s: %v", n, dialect, codes)
		if _, peak := service.PasswordChecks(); peak > int64(service.MaxHashes) {
			t.Errorf("%d hashes ran at once, want at most %d", peak, service.MaxHashes)
		}

		// The owner, from another address: refused while the account waits,
		// signed in once the delay is over — not locked out.
		owner := service.WithClient(ctx, "198.51.100.7:5000")
		deadline := time.Now().Add(2 * time.Minute)
		for {
			u, err := b.Service.Authenticate(owner, email, testenv.Password)
			if err == nil {
				if u.ID != w.ModAuthor.ID {
					t.Fatalf("signed in as %d", u.ID)
				}
				break
			}
			e, ok := err.(*passerelle.Error)
			if !ok || e.Code != passerelle.ERateLimited || time.Now().After(deadline) {
				t.Fatalf("owner: %v", err)
			}
			time.Sleep(e.RetryAfter)
		}
		// A success clears the account's failures: the owner's next typo is
		// checked at once.
		if _, err := b.Service.Authenticate(owner, email, "a typo"); passerelle.ErrorCode(err) != passerelle.EUnauthn {
			t.Errorf("a typo after signing in: %v", err)
		}
		// The attacker's address still waits on its own count? It has
		// spent AccountThrottle.Free of SourceThrottle.Free: another
		// account is checked at once from it.
		if _, err := other.Authenticate(attacker, w.Reader.Email, "not the password"); passerelle.ErrorCode(err) != passerelle.EUnauthn {
			t.Errorf("another account from the attacker's address: %v", err)
		}
	})
}

// TestPasswordThrottleBySource: one address trying many accounts is slowed
// down past SourceThrottle.Free failures, whatever the accounts.
func TestPasswordThrottleBySource(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		b := testenv.Setup(t, dialect, testenv.Options{})
		testenv.NewWorld(t, b)
		// The clock stands still: under a loaded -race run a hash can take
		// longer than the first delay, which would then be over before
		// the next attempt.
		frozen := time.Now()
		b.Service.Now = func() time.Time { return frozen }
		ctx := service.WithClient(context.Background(), "[2001:db8:5:6::1]:443")
		for i := range passerelle.SourceThrottle.Free {
			_, err := b.Service.Authenticate(ctx, "nobody"+string(rune('a'+i))+"@example.org", "guess")
			requireCode(t, err, passerelle.EUnauthn)
		}
		// Another address of the same /64 is the same client.
		ctx = service.WithClient(context.Background(), "[2001:db8:5:6::99]:443")
		_, err := b.Service.Authenticate(ctx, "someone.else@example.org", "guess")
		requireCode(t, err, passerelle.ERateLimited)
		// Another client is not slowed down.
		ctx = service.WithClient(context.Background(), "[2001:db8:5:7::1]:443")
		_, err = b.Service.Authenticate(ctx, "someone.else@example.org", "guess")
		requireCode(t, err, passerelle.EUnauthn)
	})
}
