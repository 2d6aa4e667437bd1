package service_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/testenv"
)

// TestTokens checks that an API token works until it expires, is revoked, or
// its account is disabled — each effective at once.
func TestTokens(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		svc := b.Service

		tests := []struct {
			name  string
			user  *passerelle.User
			spoil func(t *testing.T, token string)
		}{
			{name: "live token", user: w.Reader},
			{name: "revoked token", user: w.Reader, spoil: func(t *testing.T, token string) {
				if err := svc.RevokeToken(ctx, token); err != nil {
					t.Fatal(err)
				}
			}},
			{name: "expired token", user: w.Reader, spoil: func(t *testing.T, token string) {
				setTokenExpiry(t, b, w.Reader, store.Now().Add(-time.Second))
			}},
			{name: "disabled account", user: w.PasMod, spoil: func(t *testing.T, token string) {
				if err := svc.DisableUser(ctx, w.Admin, w.PasMod.Email); err != nil {
					t.Fatal(err)
				}
			}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				token, expires, err := svc.CreateToken(ctx, tt.user)
				requireCode(t, err, "")
				if !strings.HasPrefix(token, "psl_") || len(token) < 40 {
					t.Errorf("token %q: want psl_ and 32 random bytes", token)
				}
				if d := time.Until(expires); d < service.TokenLifetime-time.Minute || d > service.TokenLifetime {
					t.Errorf("expires in %v, want %v", d, service.TokenLifetime)
				}
				u, err := svc.UserFromToken(ctx, token)
				requireCode(t, err, "")
				if u.ID != tt.user.ID {
					t.Fatalf("token of %d gives %d", tt.user.ID, u.ID)
				}
				if tt.spoil == nil {
					return
				}
				tt.spoil(t, token)
				u, err = svc.UserFromToken(ctx, token)
				requireCode(t, err, passerelle.EUnauthn)
				if u != nil {
					t.Error("a refused token returned an account")
				}
			})
		}

		t.Run("unknown tokens", func(t *testing.T) {
			for _, token := range []string{"", "psl_", "psl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "not a token"} {
				_, err := svc.UserFromToken(ctx, token)
				requireCode(t, err, passerelle.EUnauthn)
			}
		})

		t.Run("tokens are stored hashed", func(t *testing.T) {
			token, _, err := svc.CreateToken(ctx, w.NordMod)
			requireCode(t, err, "")
			n, err := b.DB.Bun.NewSelect().Table("api_tokens").Where("token_hash = ?", token).Count(ctx)
			if err != nil || n != 0 {
				t.Errorf("the token itself is in the database (%d rows, err %v)", n, err)
			}
		})

		t.Run("revoking one token leaves the others", func(t *testing.T) {
			first, _, err := svc.CreateToken(ctx, w.NordMod)
			requireCode(t, err, "")
			second, _, err := svc.CreateToken(ctx, w.NordMod)
			requireCode(t, err, "")
			if first == second {
				t.Fatal("two tokens are equal")
			}
			requireCode(t, svc.RevokeToken(ctx, first), "")
			_, err = svc.UserFromToken(ctx, first)
			requireCode(t, err, passerelle.EUnauthn)
			_, err = svc.UserFromToken(ctx, second)
			requireCode(t, err, "")
		})
	})
}

func setTokenExpiry(t *testing.T, b *testenv.Bundle, u *passerelle.User, at time.Time) {
	t.Helper()
	_, err := b.DB.Bun.NewUpdate().Table("api_tokens").Set("expires_at = ?", at).Where("user_id = ?", u.ID).Exec(context.Background())
	if err != nil {
		t.Fatal(err)
	}
}

// TestSessions checks that a session works until it expires, sits idle too
// long, is ended, or its account is disabled.
func TestSessions(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		svc := b.Service
		setSession := func(t *testing.T, u *passerelle.User, column string, at time.Time) {
			t.Helper()
			_, err := b.DB.Bun.NewUpdate().Table("sessions").Set(column+" = ?", at).Where("user_id = ?", u.ID).Exec(ctx)
			if err != nil {
				t.Fatal(err)
			}
		}

		tests := []struct {
			name  string
			user  *passerelle.User
			spoil func(t *testing.T, token string)
			ok    bool
		}{
			{name: "live session", user: w.Reader, ok: true},
			{name: "seen 11 hours ago", user: w.LilleAuthor, ok: true, spoil: func(t *testing.T, _ string) {
				setSession(t, w.LilleAuthor, "last_seen_at", store.Now().Add(-11*time.Hour))
			}},
			{name: "idle for 13 hours", user: w.RoubaixAuthor, spoil: func(t *testing.T, _ string) {
				setSession(t, w.RoubaixAuthor, "last_seen_at", store.Now().Add(-13*time.Hour))
			}},
			{name: "past its absolute lifetime", user: w.MoulinsAuthor, spoil: func(t *testing.T, _ string) {
				setSession(t, w.MoulinsAuthor, "expires_at", store.Now().Add(-time.Second))
			}},
			{name: "logged out", user: w.NordMod, spoil: func(t *testing.T, token string) {
				requireCode(t, svc.EndSession(ctx, token), "")
			}},
			{name: "disabled account", user: w.PasMod, spoil: func(t *testing.T, _ string) {
				requireCode(t, svc.DisableUser(ctx, nil, w.PasMod.Email), "")
			}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				token, expires, err := svc.CreateSession(ctx, tt.user)
				requireCode(t, err, "")
				if d := time.Until(expires); d < service.SessionLifetime-time.Minute || d > service.SessionLifetime {
					t.Errorf("expires in %v, want %v", d, service.SessionLifetime)
				}
				_, err = svc.UserFromSession(ctx, token)
				requireCode(t, err, "")
				if tt.spoil != nil {
					tt.spoil(t, token)
				}
				u, err := svc.UserFromSession(ctx, token)
				if tt.ok {
					requireCode(t, err, "")
					if u.ID != tt.user.ID {
						t.Errorf("session of %d gives %d", tt.user.ID, u.ID)
					}
					return
				}
				requireCode(t, err, passerelle.EUnauthn)
			})
		}

		t.Run("activity keeps a session alive", func(t *testing.T) {
			token, _, err := svc.CreateSession(ctx, w.RegionMod)
			requireCode(t, err, "")
			setSession(t, w.RegionMod, "last_seen_at", store.Now().Add(-11*time.Hour))
			_, err = svc.UserFromSession(ctx, token) // touches the session
			requireCode(t, err, "")
			var seen time.Time
			err = b.DB.Bun.NewSelect().Table("sessions").Column("last_seen_at").Where("user_id = ?", w.RegionMod.ID).Scan(ctx, &seen)
			if err != nil || time.Since(seen) > time.Minute {
				t.Errorf("last seen %v ago (err %v), want now", time.Since(seen), err)
			}
		})
	})
}

// TestPasswords checks how passwords are kept and checked.
func TestPasswords(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		svc := b.Service

		t.Run("hashes are argon2id, never the password", func(t *testing.T) {
			var hashes []string
			if err := b.DB.Bun.NewSelect().Table("users").Column("password_hash").Scan(ctx, &hashes); err != nil {
				t.Fatal(err)
			}
			if len(hashes) != 9 {
				t.Fatalf("%d accounts", len(hashes))
			}
			seen := map[string]bool{}
			for _, h := range hashes {
				if !strings.HasPrefix(h, "$argon2id$") {
					t.Errorf("hash %q is not argon2id", h)
				}
				if strings.Contains(h, testenv.Password) {
					t.Errorf("hash %q holds the password", h)
				}
				if seen[h] {
					t.Errorf("two accounts share hash %q: no salt?", h)
				}
				seen[h] = true
			}
		})

		t.Run("the production hasher", func(t *testing.T) {
			h, err := service.DefaultHasher.Hash("correct horse battery staple")
			requireCode(t, err, "")
			if !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
				t.Errorf("hash %q, want argon2id with 19 MiB, 2 passes, 1 lane", h)
			}
		})

		tests := []struct {
			name, email, password string
			want                  *passerelle.User
		}{
			{name: "right password", email: w.Reader.Email, password: testenv.Password, want: w.Reader},
			{name: "e-mail in another case, with spaces", email: "  Reader@Example.ORG ", password: testenv.Password, want: w.Reader},
			{name: "wrong password", email: w.Reader.Email, password: testenv.Password + "!"},
			{name: "password in another case", email: w.Reader.Email, password: strings.ToUpper(testenv.Password)},
			{name: "empty password", email: w.Reader.Email, password: ""},
			{name: "unknown account", email: "nobody@example.org", password: testenv.Password},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				t.Parallel()
				u, err := svc.Authenticate(ctx, tt.email, tt.password)
				if tt.want == nil {
					requireCode(t, err, passerelle.EUnauthn)
					return
				}
				requireCode(t, err, "")
				if u.ID != tt.want.ID {
					t.Errorf("signed in as %d, want %d", u.ID, tt.want.ID)
				}
			})
		}
	})
}

// TestAccounts checks account creation and disabling.
func TestAccounts(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		svc := b.Service

		tests := []struct {
			name   string
			in     service.NewUser
			fields map[string]string
			code   string
		}{
			{name: "valid, e-mail normalised", in: service.NewUser{Email: " Neuf@Example.org ", Name: " Nina Neuf ", Password: "douze-chars!"}},
			{name: "11-character password", in: service.NewUser{Email: "court@example.org", Name: "Court", Password: "onze-chars!"},
				fields: map[string]string{"password": passerelle.FieldTooShort}},
			{name: "bad e-mail", in: service.NewUser{Email: "pas-un-mail", Name: "X", Password: testenv.Password},
				fields: map[string]string{"email": passerelle.FieldInvalid}},
			{name: "e-mail taken, in another case", in: service.NewUser{Email: "READER@example.org", Name: "Copie", Password: testenv.Password},
				code: passerelle.EConflict, fields: map[string]string{"email": passerelle.FieldTaken}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				u, err := svc.CreateUser(ctx, tt.in)
				if tt.fields != nil {
					code := tt.code
					if code == "" {
						code = passerelle.EValidation
					}
					requireCodeFields(t, err, code, tt.fields)
					return
				}
				requireCode(t, err, "")
				if u.Email != "neuf@example.org" || u.Name != "Nina Neuf" || u.ID == 0 {
					t.Errorf("created %+v", u)
				}
				_, err = svc.Authenticate(ctx, "NEUF@example.org", tt.in.Password)
				requireCode(t, err, "")
			})
		}

		t.Run("disabling", func(t *testing.T) {
			requireCode(t, svc.DisableUser(ctx, w.NordMod, w.Reader.Email), passerelle.EForbidden)
			requireCode(t, svc.DisableUser(ctx, w.Admin, "nobody@example.org"), passerelle.ENotFound)
			token, _, err := svc.CreateToken(ctx, w.LilleAuthor)
			requireCode(t, err, "")
			session, _, err := svc.CreateSession(ctx, w.LilleAuthor)
			requireCode(t, err, "")

			requireCode(t, svc.DisableUser(ctx, w.Admin, w.LilleAuthor.Email), "")
			_, err = svc.Authenticate(ctx, w.LilleAuthor.Email, testenv.Password)
			requireCode(t, err, passerelle.EUnauthn)
			_, err = svc.UserFromToken(ctx, token)
			requireCode(t, err, passerelle.EUnauthn)
			_, err = svc.UserFromSession(ctx, session)
			requireCode(t, err, passerelle.EUnauthn)
			// Disabling twice is harmless.
			requireCode(t, svc.DisableUser(ctx, w.Admin, w.LilleAuthor.Email), "")
		})
	})
}
