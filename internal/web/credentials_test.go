package web_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/testenv"
)

// jsonField returns one string field of a JSON object.
func jsonField(t *testing.T, body, name string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("%v in %s", err, body)
	}
	v, _ := m[name].(string)
	return v
}

// resetPath asks for a password reset of email through the form and returns
// the path of the link the e-mail carries.
func resetPath(t *testing.T, s *site, email string) string {
	t.Helper()
	s.browser(t).post("/mot-de-passe/oublie", url.Values{"email": {email}}).expect(t, "ask for a reset", http.StatusOK)
	var id int64
	deadline := time.Now().Add(30 * time.Second)
	for {
		err := s.DB.Read.NewSelect().Table("password_resets").Column("password_resets.id").
			Join("JOIN users ON users.id = password_resets.user_id").Where("users.email = ?", email).
			Order("password_resets.id DESC").Limit(1).Scan(context.Background(), &id)
		if err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("no password reset recorded for %s: %v", email, err)
		}
		time.Sleep(20 * time.Millisecond)
	}
	link := testenv.WaitMail(t, s.Outbox, "password-reset-"+strconv.FormatInt(id, 10)).Link(t, "/mot-de-passe/reinitialiser/")
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.Path
}

// TestCredentialsEndTogether: a reset ends every session and every API
// token of the account; a change (page or API) ends all but the credential
// in use; disabling ends all. Over HTTP, as a client sees it.
func TestCredentialsEndTogether(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		w := s.World
		const newPassword = "un tout nouveau mot de passe"

		// credentials opens two browser sessions and two API tokens of email.
		credentials := func(t *testing.T, email, password string) (sessions []*browser, tokens []string) {
			for range 2 {
				b := s.browser(t)
				b.post("/login", url.Values{"email": {email}, "password": {password}}).expect(t, "login", http.StatusSeeOther)
				sessions = append(sessions, b)
				res := b.callAPI(http.MethodPost, "/api/v1/tokens", "", map[string]string{"email": email, "password": password}).
					expect(t, "token", http.StatusCreated)
				tokens = append(tokens, jsonField(t, res.Body, "token"))
			}
			return sessions, tokens
		}
		alive := func(t *testing.T, what string, sessions []*browser, tokens []string, want bool) {
			t.Helper()
			status, api := http.StatusSeeOther, http.StatusUnauthorized
			if want {
				status, api = http.StatusOK, http.StatusOK
			}
			for i, b := range sessions {
				b.get("/compte").expect(t, what+": session "+strconv.Itoa(i), status)
			}
			for i, tok := range tokens {
				s.browser(t).callAPI(http.MethodGet, "/api/v1/me", tok, nil).expect(t, what+": token "+strconv.Itoa(i), api)
			}
		}

		t.Run("reset ends everything", func(t *testing.T) {
			email := w.LilleAuthor.Email
			sessions, tokens := credentials(t, email, testenv.Password)
			alive(t, "before the reset", sessions, tokens, true)
			path := resetPath(t, s, email)
			s.browser(t).post(path, url.Values{"password": {newPassword}, "confirm": {newPassword}}).expect(t, "reset", http.StatusSeeOther, "/login")
			alive(t, "after the reset", sessions, tokens, false)
			s.browser(t).callAPI(http.MethodPost, "/api/v1/tokens", "", map[string]string{"email": email, "password": newPassword}).
				expect(t, "the new password opens a token", http.StatusCreated)
		})

		t.Run("change on the page keeps only this session", func(t *testing.T) {
			email := w.RoubaixAuthor.Email
			sessions, tokens := credentials(t, email, testenv.Password)
			sessions[0].post("/compte/mot-de-passe", url.Values{"current_password": {testenv.Password}, "new_password": {newPassword}, "confirm": {newPassword}}).
				expect(t, "change", http.StatusSeeOther, "/compte")
			alive(t, "the session in use", sessions[:1], nil, true)
			alive(t, "the others", sessions[1:], tokens, false)
		})

		t.Run("change through the API keeps only this token", func(t *testing.T) {
			email := w.NordMod.Email
			sessions, tokens := credentials(t, email, testenv.Password)
			s.browser(t).callAPI(http.MethodPost, "/api/v1/me/password", tokens[0],
				map[string]string{"current_password": testenv.Password, "new_password": newPassword}).expect(t, "change", http.StatusNoContent)
			alive(t, "the token in use", nil, tokens[:1], true)
			alive(t, "the others", sessions, tokens[1:], false)
		})

		t.Run("disabling ends everything", func(t *testing.T) {
			email := w.Reader.Email
			sessions, tokens := credentials(t, email, testenv.Password)
			admin := s.browser(t).signInAPI(w.Admin.Email)
			s.browser(t).callAPI(http.MethodPost, "/api/v1/users/"+strconv.FormatInt(w.Reader.ID, 10)+"/disable", admin, nil).
				expect(t, "disable", http.StatusOK)
			alive(t, "after disabling", sessions, tokens, false)
		})
	})
}
