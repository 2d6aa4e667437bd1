package web_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
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
	id := waitResetID(t, s, email)
	link := testenv.WaitMail(t, s.Outbox, "password-reset-"+strconv.FormatInt(id, 10)).Link(t, "/mot-de-passe/reinitialiser/")
	u, err := url.Parse(link)
	if err != nil {
		t.Fatal(err)
	}
	return u.Path
}

// waitResetID waits for the job of a reset request to record a reset of
// the account of email, and returns the newest one's id.
func waitResetID(t *testing.T, s *site, email string) int64 {
	t.Helper()
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
	return id
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

// TestPasswordsThrottled: every entry point that checks a password counts
// the attempt before checking it; past passerelle.AccountThrottle.Free
// failures in a row the account waits a delay (429 with Retry-After, even
// with the right password), after which the right password works again —
// a delay, never a lock.
func TestPasswordsThrottled(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		w := s.World
		const next = "un nouveau mot de passe solide"
		tests := []struct {
			name    string
			email   string
			session bool // sign in first
			try     func(b *browser, token, password string) *response
			failing int
			good    int
		}{
			{name: "login form", email: w.LilleAuthor.Email, failing: http.StatusUnauthorized, good: http.StatusSeeOther,
				try: func(b *browser, _, password string) *response {
					return b.post("/login", url.Values{"email": {w.LilleAuthor.Email}, "password": {password}})
				}},
			{name: "token API", email: w.MoulinsAuthor.Email, failing: http.StatusUnauthorized, good: http.StatusCreated,
				try: func(b *browser, _, password string) *response {
					return b.callAPI(http.MethodPost, "/api/v1/tokens", "", map[string]string{"email": w.MoulinsAuthor.Email, "password": password})
				}},
			{name: "password change page", email: w.RoubaixAuthor.Email, session: true, failing: http.StatusBadRequest, good: http.StatusSeeOther,
				try: func(b *browser, _, password string) *response {
					return b.post("/compte/mot-de-passe", url.Values{"current_password": {password}, "new_password": {next}, "confirm": {next}})
				}},
			{name: "password change API", email: w.PasMod.Email, session: true, failing: http.StatusBadRequest, good: http.StatusNoContent,
				try: func(b *browser, token, password string) *response {
					return b.callAPI(http.MethodPost, "/api/v1/me/password", token, map[string]string{"current_password": password, "new_password": next})
				}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				b := s.browser(t)
				token := ""
				if tt.session {
					b.login(tt.email, "/", "/")
					token = b.signInAPI(tt.email)
				}
				for i := range passerelle.AccountThrottle.Free {
					tt.try(b, token, "pas le bon").expect(t, tt.name+" failure "+strconv.Itoa(i+1), tt.failing)
				}
				res := tt.try(b, token, testenv.Password).expect(t, tt.name+" right password at once", http.StatusTooManyRequests)
				n, err := strconv.Atoi(res.Header.Get("Retry-After"))
				if err != nil || n < 1 || n > 2 {
					t.Fatalf("Retry-After = %q", res.Header.Get("Retry-After"))
				}
				time.Sleep(time.Duration(n) * time.Second)
				tt.try(b, token, testenv.Password).expect(t, tt.name+" right password after the delay", tt.good)
			})
		}
	})
}

// from returns a browser of the site whose connections leave from the
// loopback address addr (all of 127.0.0.0/8 reaches the server on Linux):
// another client as the server sees it.
func (s *site) from(t *testing.T, addr string) *browser {
	b := s.browser(t)
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(addr)}, Timeout: 10 * time.Second}
	b.c.Transport = &http.Transport{DialContext: d.DialContext, MaxIdleConnsPerHost: 256}
	return b
}

// TestPasswordBurstOverHTTP: 200 wrong passwords for one account sent at
// once get at most passerelle.AccountThrottle.Free checks (401), the rest
// 429 (or 503 when the server is full) with Retry-After, and the owner,
// from another address, signs in once the delay is over.
func TestPasswordBurstOverHTTP(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		email := s.World.RegionMod.Email
		attacker := s.from(t, "127.0.0.1")
		const n = 200
		var mu sync.Mutex
		statuses := map[int]int{}
		var wg sync.WaitGroup
		start := make(chan struct{})
		for i := range n {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				body, _ := json.Marshal(map[string]string{"email": email, "password": "mauvais " + strconv.Itoa(i)})
				req, _ := http.NewRequest(http.MethodPost, s.URL+"/api/v1/tokens", bytes.NewReader(body))
				req.Header.Set("Content-Type", "application/json")
				res, err := attacker.c.Do(req)
				mu.Lock()
				defer mu.Unlock()
				if err != nil {
					statuses[-1]++
					return
				}
				res.Body.Close()
				if (res.StatusCode == http.StatusTooManyRequests || res.StatusCode == http.StatusServiceUnavailable) && res.Header.Get("Retry-After") == "" {
					statuses[-2]++ // a refusal without Retry-After
				}
				statuses[res.StatusCode]++
			}()
		}
		began := time.Now()
		close(start)
		wg.Wait()
		// As many checks as the delays allow over the burst's length (five
		// when it takes less than a second; a busy machine takes longer).
		allowed := passerelle.AccountThrottle.Allowed(time.Since(began))
		checked := statuses[http.StatusUnauthorized]
		if checked > allowed || checked+statuses[http.StatusTooManyRequests]+statuses[http.StatusServiceUnavailable] != n {
			t.Fatalf("burst in %s: %v, want at most %d 401, the rest 429 or 503 with Retry-After", time.Since(began), statuses, allowed)
		}
		t.Logf("burst of %d on %s in %s: %v", n, dialect, time.Since(began), statuses)
		owner := s.from(t, "127.0.0.2")
		deadline := time.Now().Add(2 * time.Minute)
		for {
			res := owner.callAPI(http.MethodPost, "/api/v1/tokens", "", map[string]string{"email": email, "password": testenv.Password})
			if res.Status == http.StatusCreated {
				break
			}
			wait, err := strconv.Atoi(res.Header.Get("Retry-After"))
			if res.Status != http.StatusTooManyRequests || err != nil || time.Now().After(deadline) {
				t.Fatalf("owner from another address: %d %q %s", res.Status, res.Header.Get("Retry-After"), res.Body)
			}
			time.Sleep(time.Duration(wait) * time.Second)
		}
	})
}
