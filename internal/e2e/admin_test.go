package e2e

import (
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/testenv"
)

// referenceFile is the path of the Hauts-de-France territory file.
func referenceFile(t *testing.T) string {
	t.Helper()
	_, here, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(here), "..", "..", "reference", "territories-hauts-de-france.csv")
}

// TestCLITerritoryImport imports the reference file, again, and a faulty
// file; enables and disables accounts.
func TestCLITerritoryImport(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		ref := referenceFile(t)
		r := s.must("", "territory", "import", ref)
		if !strings.Contains(r.stdout, "38 created, 0 updated, 0 unchanged") {
			t.Errorf("first import: %s", r)
		}
		// The file may also come after the flags, or with --file.
		r = runMain(append(append([]string{"territory", "import"}, s.flags()...), ref), "")
		if r.code != 0 || !strings.Contains(r.stdout, "0 created, 0 updated, 38 unchanged") {
			t.Errorf("second import: %s", r)
		}
		before := s.state()

		bad := filepath.Join(t.TempDir(), "bad.csv")
		if err := os.WriteFile(bad, []byte("code,name,level,parent_code\n59183,Dunkerque (ville),commune,245900428\n59606,Valenciennes,ville,245901160\n"), 0o600); err != nil {
			t.Fatal(err)
		}
		for _, tt := range []struct {
			name string
			args []string
			code int
			want string
		}{
			{"faulty line", []string{"territory", "import", bad}, 1, `line 3: unknown level "ville"`},
			{"no file", []string{"territory", "import"}, 2, "expected one CSV file"},
			{"two files", []string{"territory", "import", bad, ref}, 2, "expected one CSV file"},
			{"missing file", []string{"territory", "import", filepath.Join(t.TempDir(), "nothing.csv")}, 1, "open "},
			{"enable nobody", []string{"user", "enable", "--email", "nobody@example.org"}, 1, "No account"},
		} {
			r := s.run("", tt.args...)
			if r.code != tt.code || !strings.Contains(r.stderr, tt.want) || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 {
				t.Errorf("%s: %s, want exit %d and one line with %q", tt.name, r, tt.code, tt.want)
			}
		}
		if after := s.state(); after != before {
			t.Errorf("refused commands changed the state:\nbefore %+v\nafter  %+v", before, after)
		}
		if !strings.Contains(s.run("", "territory", "import", bad).stderr, "nothing was imported") {
			t.Error("the refusal does not say that nothing was imported")
		}

		s.must("the only admin\n", "user", "add", "--email", "admin@example.org", "--name", "Admin", "--admin", "--password-stdin")
		r = s.run("", "user", "disable", "--email", "admin@example.org")
		if r.code != 1 || !strings.Contains(r.stderr, "last administrator") {
			t.Errorf("disable the last admin: %s", r)
		}
		s.must("a long passphrase\n", "user", "add", "--email", "lea@example.org", "--name", "Léa", "--password-stdin")
		s.must("", "user", "disable", "--email", "lea@example.org")
		if !strings.Contains(s.state().Users, "lea@example.org|Léa|admin=false|disabled=true") {
			t.Error("not disabled")
		}
		s.must("", "user", "enable", "--email", "lea@example.org")
		if !strings.Contains(s.state().Users, "lea@example.org|Léa|admin=false|disabled=false") {
			t.Error("not enabled")
		}
	})
}

// TestDoneWhen tries Passerelle as a new installation would be run: an
// administrator imports the territory file and invites a regional moderator
// and a neighbourhood contributor by e-mail; both accept from the link in
// the outbox; the regional moderator reviews the contributor's sheet four
// levels below; revoking the role on the running server closes the queue
// on the next request.
func TestDoneWhen(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		s.must("", "territory", "import", referenceFile(t))
		s.must("", "territory", "add", "--code", "qpv-lille-sud", "--name", "Lille-Sud", "--level", "qpv", "--parent", "59350")
		s.must("", "theme", "add", "--slug", "emploi", "--name", "Emploi et insertion")
		s.must("une phrase de passe solide\n", "user", "add", "--email", "admin@example.org", "--name", "Camille Admin", "--admin", "--password-stdin")
		srv := s.serve()

		var tok struct{ Token string }
		srv.client("").do(http.MethodPost, "/api/v1/tokens", map[string]string{"email": "admin@example.org", "password": "une phrase de passe solide"}).
			ok(http.StatusCreated, &tok)
		admin := srv.client(tok.Token)
		var items struct {
			Items []struct{ Code, Parent string }
		}
		admin.get("/api/v1/territories").ok(http.StatusOK, &items)
		if len(items.Items) != 39 {
			t.Errorf("%d territories, want the 38 of the file and Lille-Sud", len(items.Items))
		}

		// Invitations, accepted from the links of the outbox e-mails.
		accept := func(email, name, role, territory string) *client {
			t.Helper()
			var inv struct{ ID string }
			admin.do(http.MethodPost, "/api/v1/invitations", map[string]string{"email": email, "name": name, "role": role, "territory": territory}).
				ok(http.StatusCreated, &inv)
			m := testenv.WaitMail(t, filepath.Join(s.dataDir, "outbox"), "invitation-"+inv.ID)
			link := m.Link(t, "/invitations/")
			if !strings.HasPrefix(link, srv.base+"/invitations/") {
				t.Errorf("link %q is not on the server's base URL %s", link, srv.base)
			}
			u, err := url.Parse(link)
			if err != nil {
				t.Fatal(err)
			}
			key := strings.TrimPrefix(u.Path, "/invitations/")
			anon := srv.client("")
			anon.do(http.MethodPost, "/api/v1/invitations/"+key+"/accept", map[string]string{"password": "court"}).
				failsWithFields(http.StatusBadRequest, "validation_failed", "password")
			anon.do(http.MethodPost, "/api/v1/invitations/"+key+"/accept", map[string]string{"password": "mon mot de passe à moi"}).ok(http.StatusCreated, nil)
			anon.do(http.MethodPost, "/api/v1/invitations/"+key+"/accept", map[string]string{"password": "mon mot de passe à moi"}).fails(http.StatusConflict, "conflict")
			var tok struct{ Token string }
			anon.do(http.MethodPost, "/api/v1/tokens", map[string]string{"email": email, "password": "mon mot de passe à moi"}).ok(http.StatusCreated, &tok)
			return srv.client(tok.Token)
		}
		moderator := accept("nathalie@example.org", "Nathalie Région", "moderator", "32")
		contributor := accept("sofiane@example.org", "Sofiane Lille-Sud", "contributor", "qpv-lille-sud")

		// The contributor writes on the neighbourhood; the regional
		// moderator, four levels above, reviews it.
		practice := func(title string) string {
			var p struct{ ID string }
			contributor.do(http.MethodPost, "/api/v1/practices", map[string]any{
				"kind": "experience", "title": title, "summary": "Un forum de recrutement au pied des immeubles.",
				"body": "Des entreprises rencontrent les habitants.", "territory": "qpv-lille-sud", "themes": []string{"emploi"},
				"experience": map[string]any{"context": "Chômage des jeunes.", "actions": "Un forum par an.", "results": "42 embauches."},
			}).ok(http.StatusCreated, &p)
			contributor.do(http.MethodPost, "/api/v1/practices/"+p.ID+"/submit", nil).ok(http.StatusOK, nil)
			return p.ID
		}
		first := practice("Forum emploi de Lille-Sud")
		var queue struct{ Items []struct{ ID string } }
		moderator.get("/api/v1/review-queue").ok(http.StatusOK, &queue)
		if len(queue.Items) != 1 || queue.Items[0].ID != first {
			t.Fatalf("regional queue = %+v", queue)
		}
		var decided struct{ Status string }
		moderator.do(http.MethodPost, "/api/v1/practices/"+first+"/decision", map[string]string{"decision": "approve"}).ok(http.StatusOK, &decided)
		if decided.Status != "published" {
			t.Errorf("after approval: %s", decided.Status)
		}

		// Revoked from the command line while the server runs: the very
		// next request finds the queue closed and the submission out of
		// reach.
		second := practice("Atelier CV de Lille-Sud")
		moderator.get("/api/v1/practices/"+second).ok(http.StatusOK, nil)
		s.must("", "role", "revoke", "--email", "nathalie@example.org", "--role", "moderator", "--territory", "32")
		moderator.get("/api/v1/review-queue").fails(http.StatusForbidden, "forbidden")
		moderator.get("/api/v1/practices/"+second).fails(http.StatusNotFound, "not_found")
		moderator.do(http.MethodPost, "/api/v1/practices/"+second+"/decision", map[string]string{"decision": "approve"}).fails(http.StatusNotFound, "not_found")

		// The journal tells the story.
		var journal struct {
			Items []struct {
				Action, Target string
				Actor          *struct{ Email string }
			}
			Total int
		}
		admin.get("/api/v1/audit").ok(http.StatusOK, &journal)
		var story []string
		for _, e := range journal.Items {
			who := "cli"
			if e.Actor != nil {
				who = e.Actor.Email
			}
			story = append(story, e.Action+" "+e.Target+" by "+who)
		}
		for _, want := range []string{
			"territory.import territories-hauts-de-france.csv by cli",
			"invitation.create nathalie@example.org by admin@example.org",
			"invitation.accept sofiane@example.org by sofiane@example.org",
			"role.revoke nathalie@example.org by cli",
		} {
			found := false
			for _, line := range story {
				found = found || line == want
			}
			if !found {
				t.Errorf("the journal lacks %q: %v", want, story)
			}
		}
		if journal.Total != len(story) || journal.Total < 7 {
			t.Errorf("journal total %d, %d items", journal.Total, len(story))
		}
	})
}
