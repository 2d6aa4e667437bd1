package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/testenv"
)

const cliPassword = "un mot de passe solide"

// TestCLIBuildsAWorld sets up territories, a theme, accounts and roles with
// the administration commands, as an operator would, and checks what they
// stored.
func TestCLIBuildsAWorld(t *testing.T) {
	t.Parallel()
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		buildWorld(s)

		st := s.state()
		wantTerritories := strings.Join([]string{
			"32|Hauts-de-France|region|",
			"59|Nord|department|32",
			"59350|Lille|commune|59",
			"qpv-moulins|Moulins|qpv|59350",
		}, "\n")
		if st.Territories != wantTerritories {
			t.Errorf("territories:\n%s\nwant:\n%s", st.Territories, wantTerritories)
		}
		if st.Themes != "emploi|Emploi" {
			t.Errorf("themes: %q", st.Themes)
		}
		wantUsers := strings.Join([]string{
			"admin@example.org|Alice Admin|admin=true|disabled=false",
			"lila@example.org|Lila Lille|admin=false|disabled=false",
			"nora@example.org|Nora Nord|admin=false|disabled=false",
		}, "\n")
		if st.Users != wantUsers {
			t.Errorf("users (e-mails stored lower-case):\n%s\nwant:\n%s", st.Users, wantUsers)
		}
		wantGrants := "lila@example.org contributor 59350\nnora@example.org moderator 59"
		if st.Grants != wantGrants {
			t.Errorf("grants:\n%s\nwant:\n%s", st.Grants, wantGrants)
		}

		// The password came from stdin, whatever its line ending, and the
		// e-mail matches whatever its case.
		db := s.open()
		defer func() { _ = db.Close() }()
		svc := &service.Service{DB: db}
		for _, login := range []struct{ email, password string }{
			{"LILA@example.org", cliPassword},
			{"admin@example.org", cliPassword},
			{"nora@example.org", cliPassword},
		} {
			if _, err := svc.Authenticate(context.Background(), login.email, login.password); err != nil {
				t.Errorf("log in as %s: %v", login.email, err)
			}
		}

		// Granting a role already held, revoking and disabling work and say
		// so on stdout.
		if r := s.must("", "role", "grant", "--email", "lila@example.org", "--role", "contributor", "--territory", "59350"); r.stderr != "" {
			t.Errorf("grant again: %s", r)
		}
		if got := s.state(); got.Grants != wantGrants {
			t.Errorf("grants after granting again:\n%s", got.Grants)
		}
		r := s.must("", "role", "revoke", "--email", "nora@example.org", "--role", "moderator", "--territory", "59")
		if !strings.Contains(r.stdout, "nora@example.org") {
			t.Errorf("revoke: %s", r)
		}
		s.must("", "user", "disable", "--email", "Nora@Example.org")
		got := s.state()
		if got.Grants != "lila@example.org contributor 59350" || !strings.Contains(got.Users, "nora@example.org|Nora Nord|admin=false|disabled=true") {
			t.Errorf("after revoke and disable:\n%s\n%s", got.Users, got.Grants)
		}
		if _, err := svc.Authenticate(context.Background(), "nora@example.org", cliPassword); passerelle.ErrorCode(err) != passerelle.EUnauthn {
			t.Errorf("disabled account logs in: err = %v", err)
		}
	})
}

// buildWorld runs the commands of TestCLIBuildsAWorld.
func buildWorld(s *site) {
	s.t.Helper()
	for _, args := range [][]string{
		{"territory", "add", "--code", "32", "--name", "Hauts-de-France", "--level", "region"},
		{"territory", "add", "--code", "59", "--name", "Nord", "--level", "department", "--parent", "32"},
		{"territory", "add", "--code", "59350", "--name", "Lille", "--level", "commune", "--parent", "59"},
		{"territory", "add", "--code", "qpv-moulins", "--name", "Moulins", "--level", "qpv", "--parent", "59350"},
		{"theme", "add", "--slug", "emploi", "--name", "Emploi"},
	} {
		if r := s.must("", args...); r.stdout == "" {
			s.t.Errorf("%s: nothing on stdout", strings.Join(args, " "))
		}
	}
	s.must(cliPassword+"\n", "user", "add", "--email", "Lila@Example.org", "--name", "Lila Lille", "--password-stdin")
	s.must(cliPassword, "user", "add", "--email", "admin@example.org", "--name", "Alice Admin", "--admin", "--password-stdin")
	s.must(cliPassword+"\r\n", "user", "add", "--email", "nora@example.org", "--name", "Nora Nord", "--password-stdin")
	s.must("", "role", "grant", "--email", "lila@example.org", "--role", "contributor", "--territory", "59350")
	s.must("", "role", "grant", "--email", "NORA@example.org", "--role", "moderator", "--territory", "59")
}

// TestCLIRefusesBadInput checks that every command given wrong input exits
// non-zero with exactly one line on stderr naming the reason, and changes
// nothing.
func TestCLIRefusesBadInput(t *testing.T) {
	t.Parallel()
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		buildWorld(s)
		before := s.state()

		tests := []struct {
			name  string
			args  []string
			stdin string
			own   bool // args are complete: do not add the site's flags
			code  int
			want  []string // each must appear in the line on stderr
		}{
			{name: "unknown parent territory", code: 1, want: []string{"parent"},
				args: []string{"territory", "add", "--code", "59512", "--name", "Roubaix", "--level", "commune", "--parent", "nope"}},
			{name: "unknown level", code: 1, want: []string{"level"},
				args: []string{"territory", "add", "--code", "59512", "--name", "Roubaix", "--level", "town", "--parent", "59"}},
			{name: "bad territory code", code: 1, want: []string{"code"},
				args: []string{"territory", "add", "--code", "59 512", "--name", "Roubaix", "--level", "commune", "--parent", "59"}},
			{name: "duplicate territory code", code: 1, want: []string{"59", "exists"},
				args: []string{"territory", "add", "--code", "59", "--name", "Nord bis", "--level", "department", "--parent", "32"}},
			{name: "duplicate theme", code: 1, want: []string{"emploi", "exists"},
				args: []string{"theme", "add", "--slug", "emploi", "--name", "Emploi bis"}},
			{name: "duplicate e-mail", code: 1, want: []string{"e-mail", "exists"}, stdin: cliPassword,
				args: []string{"user", "add", "--email", "lila@example.org", "--name", "Lila Bis", "--password-stdin"}},
			{name: "duplicate e-mail differing by case", code: 1, want: []string{"e-mail", "exists"}, stdin: cliPassword,
				args: []string{"user", "add", "--email", "LILA@EXAMPLE.ORG", "--name", "Lila Bis", "--password-stdin"}},
			{name: "password under 12 characters", code: 1, want: []string{"password"}, stdin: "elevenchars\n",
				args: []string{"user", "add", "--email", "new@example.org", "--name", "New", "--password-stdin"}},
			{name: "no password on stdin", code: 1, want: []string{"stdin"}, stdin: "",
				args: []string{"user", "add", "--email", "new@example.org", "--name", "New", "--password-stdin"}},
			{name: "bad e-mail", code: 1, want: []string{"email"}, stdin: cliPassword,
				args: []string{"user", "add", "--email", "not-an-address", "--name", "New", "--password-stdin"}},
			{name: "grant on unknown territory", code: 1, want: []string{"territory"},
				args: []string{"role", "grant", "--email", "lila@example.org", "--role", "contributor", "--territory", "75056"}},
			{name: "grant of unknown role", code: 1, want: []string{"role"},
				args: []string{"role", "grant", "--email", "lila@example.org", "--role", "boss", "--territory", "59"}},
			{name: "grant to unknown e-mail", code: 1, want: []string{"email"},
				args: []string{"role", "grant", "--email", "nobody@example.org", "--role", "contributor", "--territory", "59"}},
			{name: "revoke of a role not held", code: 1, want: []string{"not hold"},
				args: []string{"role", "revoke", "--email", "lila@example.org", "--role", "moderator", "--territory", "59350"}},
			{name: "revoke on a territory below the grant", code: 1, want: []string{"not hold"},
				args: []string{"role", "revoke", "--email", "nora@example.org", "--role", "moderator", "--territory", "59350"}},
			{name: "disable unknown e-mail", code: 1, want: []string{"account"},
				args: []string{"user", "disable", "--email", "nobody@example.org"}},
			{name: "unknown database scheme", code: 1, want: []string{"database URL"}, own: true,
				args: []string{"territory", "add", "--code", "75", "--name", "Paris", "--level", "department", "--data-dir", s.dataDir, "--database-url", "mysql://x"}},
			{name: "unreachable PostgreSQL", code: 1, want: []string{"PostgreSQL"}, own: true,
				args: []string{"territory", "add", "--code", "75", "--name", "Paris", "--level", "department", "--data-dir", s.dataDir, "--database-url", "postgres://nope:s3cr3t-pw@127.0.0.1:1/x"}},
			{name: "serve with a bad database URL", code: 1, want: []string{"database URL"}, own: true,
				args: []string{"serve", "--addr", "127.0.0.1:0", "--data-dir", s.dataDir, "--database-url", "mysql://x"}},
			{name: "unreachable PostgreSQL without password", code: 1, want: []string{"PostgreSQL"}, own: true,
				args: []string{"migrate", "--data-dir", s.dataDir, "--database-url", "postgres://nope@127.0.0.1:1/x"}},
			{name: "missing required flags", code: 2, want: []string{"--level", "--name"},
				args: []string{"territory", "add", "--code", "75"}},
			{name: "missing --password-stdin", code: 2, want: []string{"--password-stdin"}, stdin: cliPassword,
				args: []string{"user", "add", "--email", "new@example.org", "--name", "New"}},
			{name: "missing role flags", code: 2, want: []string{"--email", "--role", "--territory"},
				args: []string{"role", "grant"}},
			{name: "unknown flag", code: 2, want: []string{"colour"},
				args: []string{"theme", "add", "--slug", "sante", "--name", "Santé", "--colour", "red"}},
			{name: "stray argument", code: 2, want: []string{"extra"},
				args: []string{"theme", "add", "--slug", "sante", "--name", "Santé", "extra"}},
			{name: "bad --addr", code: 2, want: []string{"--addr"},
				args: []string{"migrate", "--addr", "nonsense"}},
			{name: "bad --base-url", code: 2, want: []string{"--base-url"},
				args: []string{"migrate", "--base-url", "ftp://example.org"}},
			{name: "unknown command", code: 2, want: []string{"frobnicate"}, own: true,
				args: []string{"frobnicate", "--data-dir", s.dataDir}},
			{name: "unknown subcommand", code: 2, want: []string{"user remove"}, own: true,
				args: []string{"user", "remove", "--email", "lila@example.org"}},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var r result
				if tt.own {
					r = runMain(tt.args, tt.stdin)
				} else {
					r = s.run(tt.stdin, tt.args...)
				}
				if r.code != tt.code {
					t.Errorf("exit %d, want %d\n%s", r.code, tt.code, r)
				}
				if strings.Count(r.stderr, "\n") != 1 || !strings.HasSuffix(r.stderr, "\n") {
					t.Errorf("stderr is not exactly one line: %q", r.stderr)
				}
				if !strings.HasPrefix(r.stderr, "passerelle") {
					t.Errorf("stderr does not start with the command's name: %q", r.stderr)
				}
				for _, w := range tt.want {
					if !strings.Contains(r.stderr, w) {
						t.Errorf("stderr %q does not name %q", r.stderr, w)
					}
				}
				for _, leak := range []string{"s3cr3t-pw", "passerelle error:", "code="} {
					if strings.Contains(r.stderr, leak) {
						t.Errorf("stderr shows %q: %q", leak, r.stderr)
					}
				}
				if r.stdout != "" {
					t.Errorf("stdout: %q, want nothing", r.stdout)
				}
				if after := s.state(); after != before {
					t.Errorf("the failed command changed the database:\nbefore %+v\nafter  %+v", before, after)
				}
			})
		}

		// Help is not an error.
		if r := runMain([]string{"help"}, ""); r.code != 0 || !strings.Contains(r.stdout, "territory add") {
			t.Errorf("help: %s", r)
		}
		if r := s.run("", "theme", "add", "-h"); r.code != 0 || !strings.Contains(r.stdout+r.stderr, "-slug") {
			t.Errorf("theme add -h: %s", r)
		}
	})
}
