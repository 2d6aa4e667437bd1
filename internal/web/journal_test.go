package web_test

import (
	"net/http"
	"testing"

	"github.com/passerelle/passerelle/internal/testenv"
)

// TestJournalReadsNames: the journal speaks the reader's language and names
// people, territories and themes, not their e-mails, codes or slugs alone
// (issue 13: it said "role : contributor", "territory : 62498").
func TestJournalReadsNames(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		admin := s.browser(t)
		admin.login(s.World.Admin.Email, "/admin/journal", "/admin/journal")
		page := admin.get("/admin/journal?action=role.grant&target=nord.mod%40example.org").expect(t, "journal in French", http.StatusOK)
		page.contains(t, "French", "Nora Nord", "nord.mod@example.org", "Rôle\u00a0: Modérateur ou modératrice", "Territoire\u00a0: Nord (59)")
		page.lacks(t, "French", "role : ", ": moderator", "territory : ")
		en := admin.get("/admin/journal?action=role.grant&target=nord.mod%40example.org&lang=en").expect(t, "journal in English", http.StatusOK)
		en.contains(t, "English", "Role: Moderator", "Territory: Nord (59)")
		admin.get("/admin/journal?action=territory.create&target=59350&lang=fr").expect(t, "territory entry", http.StatusOK).
			contains(t, "territory entry", "Lille<br><span class=\"muted\">59350</span>", "Niveau\u00a0: Commune", "Rattachement\u00a0: Nord (59)")
	})
}

// TestJobsDashboardWayBack: the jobs dashboard (River UI) is in the
// administration's menu, and its page has a link back to the administration.
func TestJobsDashboardWayBack(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		admin := s.browser(t)
		admin.login(s.World.Admin.Email, "/admin", "/admin")
		admin.get("/admin").expect(t, "administration", http.StatusOK).contains(t, "admin menu", `<a href="/admin/jobs"`)
		admin.get("/admin/jobs/?lang=fr").expect(t, "dashboard", http.StatusOK).
			contains(t, "dashboard", `<a href="/admin" id="passerelle-back"`, "Retour à l’administration")
		states := admin.get("/admin/jobs/api/states").expect(t, "River UI API", http.StatusOK)
		states.lacks(t, "River UI API", "passerelle-back")
	})
}
