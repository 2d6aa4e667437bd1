package service_test

import (
	"context"
	"path"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/testenv"
)

// invitationToken waits for the e-mail of an invitation and returns the
// token of its link.
func invitationToken(t *testing.T, b *testenv.Bundle, inv *passerelle.Invitation) string {
	t.Helper()
	m := testenv.WaitMail(t, b.Outbox, "invitation-"+strconv.FormatInt(inv.ID, 10))
	if m.To == "" || !strings.Contains(m.To, inv.Email) {
		t.Errorf("invitation sent to %q, want %s", m.To, inv.Email)
	}
	link := m.Link(t, "/invitations/")
	if !strings.HasPrefix(link, b.BaseURL+"/invitations/") {
		t.Errorf("link %q is not under the base URL", link)
	}
	return path.Base(link)
}

// countAudit returns how many audit entries match action (and target).
func countAudit(t *testing.T, b *testenv.Bundle, action passerelle.AuditAction, target string) int {
	t.Helper()
	_, n, err := store.ListAudit(context.Background(), b.DB.Read, store.AuditFilter{Action: string(action), Target: target})
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestInvitations(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{RunWorkers: true})
		w := testenv.NewWorld(t, b)
		svc := b.Service
		in := func(email, role, territory string) service.InvitationInput {
			return service.InvitationInput{Email: email, Name: "Nouvelle Personne", Role: role, Territory: territory}
		}

		t.Run("who may invite whom", func(t *testing.T) {
			tests := []struct {
				name  string
				actor *passerelle.User
				in    service.InvitationInput
				code  string
			}{
				{"anonymous", nil, in("a1@example.org", "contributor", "59350"), passerelle.EUnauthn},
				{"reader", w.Reader, in("a2@example.org", "contributor", "59350"), passerelle.EForbidden},
				{"contributor", w.LilleAuthor, in("a3@example.org", "contributor", "59350"), passerelle.EForbidden},
				{"moderator, a moderator", w.NordMod, in("a4@example.org", "moderator", "59350"), passerelle.EForbidden},
				{"moderator, outside their territory", w.NordMod, in("a5@example.org", "contributor", "62193"), passerelle.EForbidden},
				{"moderator, above their territory", w.NordMod, in("a6@example.org", "contributor", "32"), passerelle.EForbidden},
				{"moderator, below their territory", w.NordMod, in("ok1@example.org", "contributor", "qpv-moulins"), ""},
				{"admin, a moderator anywhere", w.Admin, in("ok2@example.org", "moderator", "32"), ""},
				{"unknown role", w.Admin, in("a7@example.org", "chef", "32"), passerelle.EValidation},
				{"admin role", w.Admin, in("a8@example.org", "admin", "32"), passerelle.EValidation},
				{"unknown territory", w.Admin, in("a9@example.org", "contributor", "99999"), passerelle.EValidation},
				{"bad address", w.Admin, in("not an address", "contributor", "32"), passerelle.EValidation},
				{"an account exists", w.Admin, in(w.Reader.Email, "contributor", "32"), passerelle.EConflict},
				{"an invitation is pending", w.Admin, in("OK1@example.org", "moderator", "59"), passerelle.EConflict},
			}
			for _, tt := range tests {
				inv, err := svc.Invite(ctx, tt.actor, tt.in)
				if got := passerelle.ErrorCode(err); got != tt.code {
					t.Errorf("%s: err = %v, want %q", tt.name, err, tt.code)
				}
				if err == nil && (inv.ID == 0 || inv.ExpiresAt.Sub(inv.CreatedAt) != passerelle.InvitationLifetime) {
					t.Errorf("%s: invitation %+v", tt.name, inv)
				}
			}
			list, err := svc.Invitations(ctx, w.Admin)
			if err != nil || len(list) != 2 {
				t.Fatalf("admin sees %d invitations (%v), want 2", len(list), err)
			}
			// A moderator sees the invitations of their territories only.
			if list, err := svc.Invitations(ctx, w.PasMod); err != nil || len(list) != 0 {
				t.Errorf("Pas-de-Calais moderator sees %d invitations (%v)", len(list), err)
			}
			if _, err := svc.Invitations(ctx, w.LilleAuthor); passerelle.ErrorCode(err) != passerelle.EForbidden {
				t.Errorf("contributor lists invitations: %v", err)
			}
			if n := countAudit(t, b, passerelle.AuditInvitationCreate, ""); n != 2 {
				t.Errorf("%d invitation entries in the audit log, want 2", n)
			}
		})

		t.Run("accepting", func(t *testing.T) {
			inv, err := svc.Invite(ctx, w.NordMod, service.InvitationInput{Email: "Camille.Neuve@Example.org", Name: "Camille Neuve",
				Role: "contributor", Territory: "qpv-moulins"})
			if err != nil {
				t.Fatal(err)
			}
			token := invitationToken(t, b, inv)
			var hash string
			if err := b.DB.Read.NewSelect().Table("invitations").Column("token_hash").Where("id = ?", inv.ID).Scan(ctx, &hash); err != nil {
				t.Fatal(err)
			}
			if hash == "" || strings.Contains(hash, token) || hash != passerelle.HashSecret(token) {
				t.Errorf("token stored as %q", hash)
			}
			got, err := svc.InvitationByToken(ctx, token)
			if err != nil || got.Email != "camille.neuve@example.org" || got.InvitedByName != w.NordMod.Name {
				t.Fatalf("InvitationByToken = %+v, %v", got, err)
			}
			_, err = svc.AcceptInvitation(ctx, token, "court")
			requireCodeFields(t, err, passerelle.EValidation, map[string]string{"password": passerelle.FieldTooShort})
			_, err = svc.AcceptInvitation(ctx, "inv_nothing", testenv.Password)
			requireCodeFields(t, err, passerelle.ENotFound, map[string]string{"token": service.TokenUnknown})

			u, err := svc.AcceptInvitation(ctx, token, testenv.Password)
			if err != nil {
				t.Fatal(err)
			}
			if u.Email != "camille.neuve@example.org" || u.Name != "Camille Neuve" || u.Admin {
				t.Errorf("account %+v", u)
			}
			if _, err := svc.Authenticate(ctx, u.Email, testenv.Password); err != nil {
				t.Errorf("cannot sign in with the password chosen: %v", err)
			}
			snap, err := svc.Snapshot(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if !snap.Can(u, passerelle.PermCreatePractice, "qpv-moulins") || snap.Can(u, passerelle.PermCreatePractice, "59350") {
				t.Error("the role is not exactly the one offered")
			}
			// Once only.
			_, err = svc.AcceptInvitation(ctx, token, testenv.Password)
			requireCodeFields(t, err, passerelle.EConflict, map[string]string{"token": service.TokenUsed})
			if n := countAudit(t, b, passerelle.AuditInvitationAccept, u.Email); n != 1 {
				t.Errorf("%d acceptance entries", n)
			}
		})

		t.Run("expired, withdrawn, or its sender lost the right", func(t *testing.T) {
			expired, err := svc.Invite(ctx, w.Admin, in("late@example.org", "contributor", "59"))
			if err != nil {
				t.Fatal(err)
			}
			token := invitationToken(t, b, expired)
			if _, err := b.DB.Bun.NewUpdate().Table("invitations").Set("expires_at = ?", store.Now().Add(-time.Minute)).
				Where("id = ?", expired.ID).Exec(ctx); err != nil {
				t.Fatal(err)
			}
			_, err = svc.AcceptInvitation(ctx, token, testenv.Password)
			requireCodeFields(t, err, passerelle.EConflict, map[string]string{"token": service.TokenExpired})
			// An expired invitation makes room for a new one to the address.
			if _, err := svc.Invite(ctx, w.Admin, in("late@example.org", "contributor", "59")); err != nil {
				t.Errorf("a new invitation after expiry: %v", err)
			}

			withdrawn, err := svc.Invite(ctx, w.NordMod, in("withdrawn@example.org", "contributor", "59512"))
			if err != nil {
				t.Fatal(err)
			}
			token = invitationToken(t, b, withdrawn)
			if err := svc.RevokeInvitation(ctx, w.PasMod, withdrawn.ID); passerelle.ErrorCode(err) != passerelle.ENotFound {
				t.Errorf("another department's moderator withdraws it: %v", err)
			}
			if err := svc.RevokeInvitation(ctx, w.NordMod, withdrawn.ID); err != nil {
				t.Fatal(err)
			}
			_, err = svc.AcceptInvitation(ctx, token, testenv.Password)
			requireCodeFields(t, err, passerelle.EConflict, map[string]string{"token": service.TokenRevoked})

			orphan, err := svc.Invite(ctx, w.PasMod, in("orphan@example.org", "contributor", "62193"))
			if err != nil {
				t.Fatal(err)
			}
			token = invitationToken(t, b, orphan)
			if err := svc.Revoke(ctx, nil, service.GrantInput{Email: w.PasMod.Email, Role: "moderator", Territory: "62"}); err != nil {
				t.Fatal(err)
			}
			_, err = svc.AcceptInvitation(ctx, token, testenv.Password)
			requireCodeFields(t, err, passerelle.EConflict, map[string]string{"token": service.TokenInvalid})
			if _, _, err := store.UserByEmail(ctx, b.DB.Read, "orphan@example.org"); passerelle.ErrorCode(err) != passerelle.ENotFound {
				t.Error("an account was opened anyway")
			}
		})
	})
}

// waitReset waits for the job of a reset request to record the reset of
// userID, and returns its id.
func waitReset(t *testing.T, b *testenv.Bundle, userID int64) int64 {
	t.Helper()
	var id int64
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := b.DB.Read.NewSelect().Table("password_resets").Column("id").Where("user_id = ?", userID).
			Order("id DESC").Limit(1).Scan(context.Background(), &id)
		if err == nil {
			return id
		}
		if time.Now().After(deadline) {
			t.Fatalf("no reset recorded for account %d: %v", userID, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// waitJobs waits until n jobs of kind are completed.
func waitJobs(t *testing.T, b *testenv.Bundle, kind string, n int) {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for {
		done, err := b.DB.Read.NewSelect().Table("river_job").Where("kind = ? AND state = 'completed'", kind).Count(context.Background())
		if err == nil && int(done) >= n {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d %s jobs completed (%v), want %d", done, kind, err, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestPasswordReset(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{RunWorkers: true})
		w := testenv.NewWorld(t, b)
		svc := b.Service
		session, _, err := svc.CreateSession(ctx, w.LilleAuthor)
		if err != nil {
			t.Fatal(err)
		}
		// The same answer for an unknown or disabled address, and no e-mail.
		for _, email := range []string{"nobody@example.org", ""} {
			if err := svc.RequestPasswordReset(ctx, email); err != nil {
				t.Errorf("%q: %v", email, err)
			}
		}
		if err := svc.RequestPasswordReset(ctx, "  LILLE@example.org "); err != nil {
			t.Fatal(err)
		}
		id := waitReset(t, b, w.LilleAuthor.ID)
		// A second request within two minutes sends nothing more.
		if err := svc.RequestPasswordReset(ctx, w.LilleAuthor.Email); err != nil {
			t.Fatal(err)
		}
		waitJobs(t, b, "request_password_reset", 4)
		if n, err := b.DB.Read.NewSelect().Table("password_resets").Count(ctx); err != nil || n != 1 {
			t.Errorf("%d resets (%v), want 1", n, err)
		}
		m := testenv.WaitMail(t, b.Outbox, "password-reset-"+strconv.FormatInt(id, 10))
		token := path.Base(m.Link(t, "/mot-de-passe/reinitialiser/"))
		if err := svc.CheckPasswordReset(ctx, token); err != nil {
			t.Fatal(err)
		}
		_, err = svc.ResetPassword(ctx, token, "short")
		requireCodeFields(t, err, passerelle.EValidation, map[string]string{"password": passerelle.FieldTooShort})
		const next = "un tout nouveau mot de passe"
		if _, err := svc.ResetPassword(ctx, token, next); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Authenticate(ctx, w.LilleAuthor.Email, next); err != nil {
			t.Errorf("new password refused: %v", err)
		}
		if _, err := svc.Authenticate(ctx, w.LilleAuthor.Email, testenv.Password); err == nil {
			t.Error("old password still works")
		}
		if _, err := svc.UserFromSession(ctx, session); passerelle.ErrorCode(err) != passerelle.EUnauthn {
			t.Errorf("a session opened before the reset still works: %v", err)
		}
		_, err = svc.ResetPassword(ctx, token, next)
		requireCodeFields(t, err, passerelle.EConflict, map[string]string{"token": service.TokenUsed})
		_, err = svc.ResetPassword(ctx, "pwr_nothing", next)
		requireCodeFields(t, err, passerelle.ENotFound, map[string]string{"token": service.TokenUnknown})

		// Expired.
		if _, err := b.DB.Bun.NewUpdate().Table("password_resets").Set("created_at = ?", store.Now().Add(-time.Hour)).Where("user_id = ?", w.LilleAuthor.ID).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		if err := svc.RequestPasswordReset(ctx, w.NordMod.Email); err != nil {
			t.Fatal(err)
		}
		id = waitReset(t, b, w.NordMod.ID)
		m = testenv.WaitMail(t, b.Outbox, "password-reset-"+strconv.FormatInt(id, 10))
		token = path.Base(m.Link(t, "/mot-de-passe/reinitialiser/"))
		if _, err := b.DB.Bun.NewUpdate().Table("password_resets").Set("expires_at = ?", store.Now().Add(-time.Second)).Where("id = ?", id).Exec(ctx); err != nil {
			t.Fatal(err)
		}
		_, err = svc.ResetPassword(ctx, token, next)
		requireCodeFields(t, err, passerelle.EConflict, map[string]string{"token": service.TokenExpired})
	})
}

func TestChangePasswordAndTokens(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		svc := b.Service
		here, _, err := svc.CreateSession(ctx, w.RoubaixAuthor)
		if err != nil {
			t.Fatal(err)
		}
		elsewhere, _, err := svc.CreateSession(ctx, w.RoubaixAuthor)
		if err != nil {
			t.Fatal(err)
		}
		const next = "encore un autre mot de passe"
		requireCodeFields(t, svc.ChangePassword(ctx, w.RoubaixAuthor, "wrong password", next, here), passerelle.EValidation,
			map[string]string{"current_password": passerelle.FieldInvalid})
		requireCodeFields(t, svc.ChangePassword(ctx, w.RoubaixAuthor, testenv.Password, "short", here), passerelle.EValidation,
			map[string]string{"new_password": passerelle.FieldTooShort})
		requireCode(t, svc.ChangePassword(ctx, nil, testenv.Password, next, ""), passerelle.EUnauthn)
		if _, err := svc.UserFromSession(ctx, elsewhere); err != nil {
			t.Fatal("a refused change ended a session")
		}
		requireCode(t, svc.ChangePassword(ctx, w.RoubaixAuthor, testenv.Password, next, here), "")
		if _, err := svc.UserFromSession(ctx, here); err != nil {
			t.Errorf("the session in use ended: %v", err)
		}
		if _, err := svc.UserFromSession(ctx, elsewhere); passerelle.ErrorCode(err) != passerelle.EUnauthn {
			t.Errorf("the other session still works: %v", err)
		}
		if _, err := svc.Authenticate(ctx, w.RoubaixAuthor.Email, next); err != nil {
			t.Error("new password refused")
		}

		// Tokens: named, listed, revoked one by one, never another's.
		token, info, err := svc.CreateNamedToken(ctx, w.RoubaixAuthor, "  export mensuel ")
		if err != nil || info.Name != "export mensuel" || !strings.HasPrefix(token, "psl_") {
			t.Fatalf("CreateNamedToken = %q %+v %v", token, info, err)
		}
		if _, _, err := svc.CreateNamedToken(ctx, w.RoubaixAuthor, strings.Repeat("x", 101)); passerelle.ErrorCode(err) != passerelle.EValidation {
			t.Errorf("long name: %v", err)
		}
		other, _, err := svc.CreateToken(ctx, w.RoubaixAuthor)
		if err != nil {
			t.Fatal(err)
		}
		list, err := svc.Tokens(ctx, w.RoubaixAuthor)
		if err != nil || len(list) != 2 {
			t.Fatalf("Tokens = %+v, %v", list, err)
		}
		requireCode(t, svc.RevokeTokenByID(ctx, w.LilleAuthor, info.ID), passerelle.ENotFound)
		if _, err := svc.UserFromToken(ctx, token); err != nil {
			t.Fatal("another user revoked the token")
		}
		requireCode(t, svc.RevokeTokenByID(ctx, w.RoubaixAuthor, info.ID), "")
		requireCode(t, svc.RevokeTokenByID(ctx, w.RoubaixAuthor, info.ID), passerelle.ENotFound)
		if _, err := svc.UserFromToken(ctx, token); passerelle.ErrorCode(err) != passerelle.EUnauthn {
			t.Errorf("revoked token still works: %v", err)
		}
		if _, err := svc.UserFromToken(ctx, other); err != nil {
			t.Errorf("the other token stopped: %v", err)
		}
		list, _ = svc.Tokens(ctx, w.RoubaixAuthor)
		active := 0
		for _, tk := range list {
			if tk.Active(time.Now()) {
				active++
			}
		}
		if active != 1 {
			t.Errorf("%d active tokens, want 1", active)
		}
	})
}

func TestDisableEnable(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		svc := b.Service
		// The last administrator cannot be disabled, not even by themselves.
		requireCode(t, svc.DisableUser(ctx, w.Admin, w.Admin.Email), passerelle.EConflict)
		requireCode(t, svc.DisableUser(ctx, nil, w.Admin.Email), passerelle.EConflict)
		requireCode(t, svc.DisableUser(ctx, w.NordMod, w.LilleAuthor.Email), passerelle.EForbidden)
		requireCode(t, svc.EnableUser(ctx, w.NordMod, w.LilleAuthor.Email), passerelle.EForbidden)
		requireCode(t, svc.DisableUser(ctx, w.Admin, "nobody@example.org"), passerelle.ENotFound)

		token, _, err := svc.CreateToken(ctx, w.LilleAuthor)
		if err != nil {
			t.Fatal(err)
		}
		session, _, err := svc.CreateSession(ctx, w.LilleAuthor)
		if err != nil {
			t.Fatal(err)
		}
		requireCode(t, svc.DisableUser(ctx, w.Admin, w.LilleAuthor.Email), "")
		if _, err := svc.UserFromToken(ctx, token); passerelle.ErrorCode(err) != passerelle.EUnauthn {
			t.Error("token works after disable")
		}
		if _, err := svc.UserFromSession(ctx, session); passerelle.ErrorCode(err) != passerelle.EUnauthn {
			t.Error("session works after disable")
		}
		if _, err := svc.Authenticate(ctx, w.LilleAuthor.Email, testenv.Password); err == nil {
			t.Error("a disabled account signs in")
		}
		requireCode(t, svc.EnableUser(ctx, w.Admin, w.LilleAuthor.Email), "")
		u, err := svc.Authenticate(ctx, w.LilleAuthor.Email, testenv.Password)
		if err != nil {
			t.Fatalf("enabled account cannot sign in: %v", err)
		}
		snap, err := svc.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !snap.Can(u, passerelle.PermCreatePractice, "59350") {
			t.Error("the roles did not come back with the account")
		}
		if _, err := svc.UserFromToken(ctx, token); passerelle.ErrorCode(err) != passerelle.EUnauthn {
			t.Error("an old token came back to life")
		}
		// Enabling twice, disabling twice: one entry each.
		requireCode(t, svc.EnableUser(ctx, w.Admin, w.LilleAuthor.Email), "")
		if n := countAudit(t, b, passerelle.AuditUserEnable, w.LilleAuthor.Email); n != 1 {
			t.Errorf("%d enable entries", n)
		}
		if n := countAudit(t, b, passerelle.AuditUserDisable, w.LilleAuthor.Email); n != 1 {
			t.Errorf("%d disable entries", n)
		}
		// With a second administrator, one may leave.
		if _, err := svc.CreateUser(ctx, service.NewUser{Email: "admin2@example.org", Name: "Admin Deux", Password: testenv.Password, Admin: true}); err != nil {
			t.Fatal(err)
		}
		requireCode(t, svc.DisableUser(ctx, w.Admin, w.Admin.Email), "")
	})
}

// TestMoveTerritory moves a commune from one department to another: its
// practices and roles stay attached to it, and coverage follows the tree at
// once — the old department's moderator loses it, the new one gains it.
func TestMoveTerritory(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		svc := b.Service
		p, err := svc.CreatePractice(ctx, w.RoubaixAuthor, testenv.CompleteExperience("59512", "Forum de Roubaix"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Submit(ctx, w.RoubaixAuthor, p.ID); err != nil {
			t.Fatal(err)
		}
		inQueue := func(u *passerelle.User) bool {
			items, err := svc.ReviewQueue(ctx, u)
			if err != nil {
				return false
			}
			for _, it := range items {
				if it.ID == p.ID {
					return true
				}
			}
			return false
		}
		if !inQueue(w.NordMod) || inQueue(w.PasMod) {
			t.Fatal("before the move: Nord moderates, Pas-de-Calais does not")
		}

		parent := "62"
		moved, err := svc.UpdateTerritory(ctx, w.Admin, "59512", service.TerritoryUpdate{Parent: &parent})
		if err != nil {
			t.Fatal(err)
		}
		if moved.ParentCode != "62" || moved.Name != "Roubaix" {
			t.Errorf("moved = %+v", moved)
		}
		// The very next request sees it.
		if inQueue(w.NordMod) || !inQueue(w.PasMod) || !inQueue(w.RegionMod) {
			t.Error("after the move: the queues did not follow")
		}
		if _, err := svc.Practice(ctx, w.NordMod, p.ID); passerelle.ErrorCode(err) != passerelle.ENotFound {
			t.Errorf("the old department's moderator still sees the submission: %v", err)
		}
		if _, err := svc.Decide(ctx, w.NordMod, p.ID, "approve", ""); passerelle.ErrorCode(err) != passerelle.ENotFound {
			t.Errorf("the old department's moderator still decides: %v", err)
		}
		got, err := svc.Practice(ctx, w.PasMod, p.ID)
		if err != nil || got.TerritoryCode != "59512" {
			t.Fatalf("practice after the move: %+v, %v", got, err)
		}
		snap, err := svc.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !snap.Can(w.RoubaixAuthor, passerelle.PermCreatePractice, "59512") {
			t.Error("the contributor's role did not stay with the commune")
		}
		if _, err := svc.Decide(ctx, w.PasMod, p.ID, "approve", ""); err != nil {
			t.Errorf("the new department's moderator cannot decide: %v", err)
		}

		// Renaming keeps the code; a territory never moves below itself.
		name := "Roubaix (ville)"
		if _, err := svc.UpdateTerritory(ctx, w.Admin, "59512", service.TerritoryUpdate{Name: &name}); err != nil {
			t.Fatal(err)
		}
		below := "qpv-moulins"
		_, err = svc.UpdateTerritory(ctx, w.Admin, "59", service.TerritoryUpdate{Parent: &below})
		requireCodeFields(t, err, passerelle.EValidation, map[string]string{"parent": passerelle.FieldInvalid})
		self := "59"
		_, err = svc.UpdateTerritory(ctx, w.Admin, "59", service.TerritoryUpdate{Parent: &self})
		requireCodeFields(t, err, passerelle.EValidation, map[string]string{"parent": passerelle.FieldInvalid})
		unknown := "99"
		_, err = svc.UpdateTerritory(ctx, w.Admin, "59", service.TerritoryUpdate{Parent: &unknown})
		requireCodeFields(t, err, passerelle.EValidation, map[string]string{"parent": passerelle.FieldUnknown})
		_, err = svc.UpdateTerritory(ctx, w.NordMod, "59512", service.TerritoryUpdate{Name: &name})
		requireCode(t, err, passerelle.EForbidden)
		_, err = svc.UpdateTerritory(ctx, w.Admin, "nowhere", service.TerritoryUpdate{Name: &name})
		requireCode(t, err, passerelle.ENotFound)
		entries, _, err := store.ListAudit(ctx, b.DB.Read, store.AuditFilter{Action: string(passerelle.AuditTerritoryUpdate)})
		if err != nil || len(entries) != 2 || entries[1].Details["parent"] != "59 → 62" || entries[0].ActorID != w.Admin.ID {
			t.Errorf("audit = %+v, %v", entries, err)
		}
	})
}

func TestImportTerritories(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		svc := b.Service
		file := "code,name,level,parent_code\n" +
			"200093201,Métropole Européenne de Lille,epci,59\n" +
			"59350,Lille,commune,200093201\n" +
			"59512,Roubaix,commune,200093201\n" +
			"59599,Tourcoing,commune,200093201\n"
		res, err := svc.ImportTerritories(ctx, w.Admin, "mel.csv", strings.NewReader(file))
		if err != nil {
			t.Fatal(err)
		}
		if *res != (service.ImportResult{Created: 2, Updated: 2}) {
			t.Errorf("first import: %+v", *res)
		}
		res, err = svc.ImportTerritories(ctx, nil, "mel.csv", strings.NewReader(file))
		if err != nil || *res != (service.ImportResult{Unchanged: 4}) {
			t.Errorf("second import: %+v, %v", res, err)
		}
		snap, err := svc.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if got := snap.Tree().Chain("qpv-moulins"); strings.Join(got, " ") != "qpv-moulins 59350 200093201 59 32" {
			t.Errorf("chain of qpv-moulins = %v", got)
		}
		// Nothing changes on a faulty file, whatever its line.
		before, err := store.ListTerritories(ctx, b.DB.Read)
		if err != nil {
			t.Fatal(err)
		}
		for _, bad := range []string{
			"code,name,level,parent_code\n59183,Dunkerque,commune,59\n59606,Valenciennes,commune,99999\n",
			"code,name,level,parent_code\n59183,Dunkerque,commune,59\n59350,Lille,commune,qpv-moulins\n",
			"code,name,level,parent_code\n59183,Dunkerque,ville,59\n",
		} {
			_, err := svc.ImportTerritories(ctx, w.Admin, "bad.csv", strings.NewReader(bad))
			if passerelle.ErrorCode(err) != passerelle.EValidation || !strings.HasPrefix(passerelle.ErrorMessage(err), "line ") {
				t.Errorf("bad file: %v", err)
			}
		}
		after, err := store.ListTerritories(ctx, b.DB.Read)
		if err != nil || len(after) != len(before) {
			t.Errorf("a refused import changed the tree: %d → %d territories (%v)", len(before), len(after), err)
		}
		_, err = svc.ImportTerritories(ctx, w.NordMod, "mel.csv", strings.NewReader(file))
		requireCode(t, err, passerelle.EForbidden)
		entries, _, err := store.ListAudit(ctx, b.DB.Read, store.AuditFilter{Action: string(passerelle.AuditTerritoryImport)})
		if err != nil || len(entries) != 1 || entries[0].Target != "mel.csv" || entries[0].Details["created"] != "2" {
			t.Errorf("import journal = %+v, %v (an import that changes nothing is not journalled)", entries, err)
		}
	})
}

func TestJournal(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		ctx := context.Background()
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		svc := b.Service
		grant := service.GrantInput{Email: w.Reader.Email, Role: "moderator", Territory: "62"}
		requireCode(t, svc.Grant(ctx, w.Admin, grant), "")
		requireCode(t, svc.Grant(ctx, w.Admin, grant), "") // already held: nothing to record
		requireCode(t, svc.Revoke(ctx, w.Admin, grant), "")
		requireCode(t, svc.AddTheme(ctx, w.Admin, passerelle.Theme{Slug: "sante", Name: "Santé"}), "")
		requireCode(t, svc.RenameTheme(ctx, w.Admin, "sante", "Santé et bien-être"), "")
		requireCode(t, svc.RenameTheme(ctx, w.Admin, "nothing", "X"), passerelle.ENotFound)

		j, err := svc.Journal(ctx, w.Admin, service.JournalQuery{Actor: w.Admin.Email})
		if err != nil {
			t.Fatal(err)
		}
		var actions []string
		for _, e := range j.Entries {
			actions = append(actions, string(e.Action))
			if e.ActorName != w.Admin.Name || e.ActorEmail != w.Admin.Email {
				t.Errorf("entry actor %q %q", e.ActorName, e.ActorEmail)
			}
		}
		if strings.Join(actions, " ") != "theme.update theme.create role.revoke role.grant" {
			t.Errorf("admin's journal, newest first: %v", actions)
		}
		// World was built from the command line: its grants have no actor.
		j, err = svc.Journal(ctx, w.Admin, service.JournalQuery{Actor: "cli", Action: "role.grant"})
		if err != nil || j.Total != 8 {
			t.Errorf("command-line grants: %d, %v", j.Total, err)
		}
		tomorrow := time.Now().AddDate(0, 0, 2).Format(time.DateOnly)
		if j, err := svc.Journal(ctx, w.Admin, service.JournalQuery{From: tomorrow}); err != nil || j.Total != 0 {
			t.Errorf("from tomorrow: %d, %v", j.Total, err)
		}
		if j, err := svc.Journal(ctx, w.Admin, service.JournalQuery{From: "2020-01-01", To: tomorrow, Target: w.Reader.Email}); err != nil || j.Total != 3 { // created, granted, revoked
			t.Errorf("on the reader: %d, %v", j.Total, err)
		}
		for _, q := range []service.JournalQuery{{Action: "role.destroy"}, {Actor: "nobody@example.org"}, {From: "28/11/2026"}, {Page: "0"}} {
			_, err := svc.Journal(ctx, w.Admin, q)
			requireCode(t, err, passerelle.EInvalid)
		}
		_, err = svc.Journal(ctx, w.NordMod, service.JournalQuery{})
		requireCode(t, err, passerelle.EForbidden)
		_, err = svc.Journal(ctx, nil, service.JournalQuery{})
		requireCode(t, err, passerelle.EUnauthn)
	})
}
