package web_test

import (
	"bytes"
	"context"
	"image"
	"image/jpeg"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/testenv"
)

// TestUpdatePagesSayUpdate: "Mes fiches" offers to resume an update under
// way (with its state) instead of starting one, and the moderator's
// decision on an update says it publishes or rejects the update, not a
// sheet, down to the flash that follows.
func TestUpdatePagesSayUpdate(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		w := s.World
		ctx := context.Background()
		pub := publish(t, s, w.MoulinsAuthor, testenv.CompleteExperience("qpv-moulins", "Forum emploi"))
		sheet := "/fiches/" + strconv.FormatInt(pub.ID, 10)

		author := s.browser(t)
		author.login(w.MoulinsAuthor.Email, "/mes-fiches", "/mes-fiches")
		mine := author.get("/mes-fiches").expect(t, "my practices", http.StatusOK)
		mine.contains(t, "my practices before the update", `action="`+sheet+`/mise-a-jour"`, "Mettre à jour<span")
		mine.lacks(t, "my practices before the update", "Reprendre la mise à jour")

		res := author.post(sheet+"/mise-a-jour", url.Values{}).expect(t, "start the update", http.StatusSeeOther)
		m := actionRE.FindStringSubmatch(`action="` + res.Location() + `"`)
		if m == nil {
			t.Fatalf("the update starts at %q", res.Location())
		}
		upd := "/fiches/" + m[1]

		// Under way: the published sheet's row resumes it, named with its
		// state, and starts no other.
		resume := func(what, href, state string) {
			t.Helper()
			mine := author.get("/mes-fiches").expect(t, what, http.StatusOK)
			mine.contains(t, what, `href="`+href+`">Reprendre la mise à jour<span class="visually-hidden"> Forum emploi</span>`,
				"Mise à jour en cours\u00a0: "+`<span class="badge badge-status badge-`+state)
			mine.lacks(t, what, `action="`+sheet+`/mise-a-jour"`)
		}
		resume("my practices with a draft update", upd+"/modifier", "draft")
		author.post(upd+"/soumettre", url.Values{}).expect(t, "submit the update", http.StatusSeeOther)
		resume("my practices with a submitted update", upd, "submitted")

		// The moderator's decision speaks of the update.
		mod := s.browser(t)
		mod.login(w.NordMod.Email, "/bureau", "/bureau")
		page := mod.get(upd).expect(t, "update under review", http.StatusOK)
		page.contains(t, "update under review", `<label for="decision">Publier la mise à jour</label>`,
			`<label for="decision-reject">Refuser la mise à jour</label>`, "facultatif si vous la publiez")
		page.lacks(t, "update under review", "Publier la fiche", "Refuser la fiche")
		mod.post(upd+"/decision", url.Values{"decision": {"request_changes"}, "comment": {"Précisez la date."}}).
			expect(t, "request changes", http.StatusSeeOther, "/bureau")
		resume("my practices with changes requested", upd+"/modifier", "changes_requested")

		// Published: a flash that says so of the update; the sheet offers a
		// new update again.
		author.post(upd+"/soumettre", url.Values{}).expect(t, "resubmit the update", http.StatusSeeOther)
		mod.post(upd+"/decision", url.Values{"decision": {"approve"}}).expect(t, "approve", http.StatusSeeOther, "/bureau")
		mod.get("/bureau").expect(t, "desk after", http.StatusOK).
			contains(t, "flash of the approval", "La mise à jour est publiée\u00a0: les lecteurs voient maintenant la nouvelle version de la fiche.")
		mine = author.get("/mes-fiches").expect(t, "my practices after", http.StatusOK)
		mine.contains(t, "my practices after", `action="`+sheet+`/mise-a-jour"`)
		mine.lacks(t, "my practices after", "Reprendre la mise à jour")

		// Rejected: its own flash too.
		next, _, err := s.Service.StartUpdate(ctx, w.MoulinsAuthor, pub.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Service.Submit(ctx, w.MoulinsAuthor, next.ID); err != nil {
			t.Fatal(err)
		}
		nextURL := "/fiches/" + strconv.FormatInt(next.ID, 10)
		mod.post(nextURL+"/decision", url.Values{"decision": {"reject"}, "comment": {"Rien de neuf."}}).
			expect(t, "reject", http.StatusSeeOther, "/bureau")
		mod.get("/bureau").expect(t, "desk after the rejection", http.StatusOK).
			contains(t, "flash of the rejection", "La mise à jour est refusée\u00a0; la version publiée reste en ligne")

		// A sheet's own review keeps its words.
		other, err := s.Service.CreatePractice(ctx, w.MoulinsAuthor, testenv.CompleteExperience("qpv-moulins", "Atelier CV"))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Service.Submit(ctx, w.MoulinsAuthor, other.ID); err != nil {
			t.Fatal(err)
		}
		otherURL := "/fiches/" + strconv.FormatInt(other.ID, 10)
		page = mod.get(otherURL).expect(t, "sheet under review", http.StatusOK)
		page.contains(t, "sheet under review", `<label for="decision">Publier la fiche</label>`, `<label for="decision-reject">Refuser la fiche</label>`)
		page.lacks(t, "sheet under review", "mise à jour</label>")
		mod.post(otherURL+"/decision", url.Values{"decision": {"approve"}}).expect(t, "approve a sheet", http.StatusSeeOther, "/bureau")
		mod.get("/bureau").expect(t, "desk after a sheet", http.StatusOK).contains(t, "flash of a sheet", "La fiche est publiée.")
		if p, err := s.Service.Practice(ctx, nil, pub.ID); err != nil || p.Status != passerelle.StatusPublished {
			t.Errorf("the published sheet: %v %v", p, err)
		}
	})
}

// TestUpdateRemovalPages: in the form of an update, the published sheet's
// files and cover are there to remove; removed, they are listed as such,
// readers keep them until the approval, the moderator's comparison names
// them, and the approved sheet no longer has them.
func TestUpdateRemovalPages(t *testing.T) {
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)
		w := s.World
		ctx := context.Background()
		draft, err := s.Service.CreatePractice(ctx, w.MoulinsAuthor, testenv.CompleteExperience("qpv-moulins", "Forum emploi"))
		if err != nil {
			t.Fatal(err)
		}
		prog, err := s.Service.AddAttachment(ctx, w.MoulinsAuthor, draft.ID, "programme.pdf", bytes.NewReader(pdf))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := s.Service.AddAttachment(ctx, w.MoulinsAuthor, draft.ID, "bilan.pdf", bytes.NewReader(pdf)); err != nil {
			t.Fatal(err)
		}
		var pic bytes.Buffer
		if err := jpeg.Encode(&pic, image.NewNRGBA(image.Rect(0, 0, 800, 400)), nil); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Service.SetCover(ctx, w.MoulinsAuthor, draft.ID, "Le forum de 2025", &pic); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Service.Submit(ctx, w.MoulinsAuthor, draft.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Service.DecideOn(ctx, w.NordMod, draft.ID, "approve", "", nil); err != nil {
			t.Fatal(err)
		}
		sheet := "/fiches/" + strconv.FormatInt(draft.ID, 10)

		author := s.browser(t)
		author.login(w.MoulinsAuthor.Email, "/mes-fiches", "/mes-fiches")
		res := author.post(sheet+"/mise-a-jour", url.Values{}).expect(t, "start the update", http.StatusSeeOther)
		edit := res.Location()
		upd := strings.TrimSuffix(edit, "/modifier")
		form := author.get(edit).expect(t, "update form", http.StatusOK)
		removeFile := upd + "/pieces-jointes/" + strconv.FormatInt(prog.ID, 10) + "/supprimer"
		form.contains(t, "update form", "programme.pdf", "bilan.pdf", `action="`+removeFile+`"`,
			`src="`+sheet+`/couverture/`, "C’est l’image de la fiche publiée", `action="`+upd+`/couverture/supprimer"`)
		form.lacks(t, "update form", `id="retraits"`)

		author.post(removeFile, url.Values{}).expect(t, "remove a published file", http.StatusSeeOther, edit+"#pieces-jointes")
		author.get(edit).expect(t, "flash", http.StatusOK).
			contains(t, "flash of the removal", "Le fichier sera retiré de la fiche publiée quand la mise à jour sera approuvée.")
		author.post(upd+"/couverture/supprimer", url.Values{}).expect(t, "remove the published cover", http.StatusSeeOther, edit+"#couverture")
		keepFile := upd + "/pieces-jointes/" + strconv.FormatInt(prog.ID, 10) + "/garder"
		removed := func(what string) {
			t.Helper()
			form := author.get(edit).expect(t, what, http.StatusOK)
			form.contains(t, what, `id="retraits"`, "Ce que la mise à jour retire de la fiche publiée",
				"<del>programme.pdf</del>", `action="`+keepFile+`"`,
				"<del>L’image de couverture («\u00a0Le forum de 2025\u00a0»)</del>", `action="`+upd+`/couverture/garder"`)
			form.lacks(t, what, `action="`+removeFile+`"`, `src="`+sheet+`/couverture/`)
		}
		author.get(edit).expect(t, "flash", http.StatusOK).
			contains(t, "flash of the cover's removal", "L’image de couverture sera retirée de la fiche publiée")
		removed("update form after the removals")

		// Taken back, they are the update's again; removed once more.
		author.post(keepFile, url.Values{}).expect(t, "keep the file", http.StatusSeeOther, edit+"#retraits")
		author.post(upd+"/couverture/garder", url.Values{}).expect(t, "keep the cover", http.StatusSeeOther, edit+"#couverture")
		form = author.get(edit).expect(t, "update form, taken back", http.StatusOK)
		form.contains(t, "update form, taken back", `action="`+removeFile+`"`, `src="`+sheet+`/couverture/`,
			"La mise à jour garde l’image de couverture de la fiche publiée.")
		form.lacks(t, "update form, taken back", `id="retraits"`)
		author.post(removeFile, url.Values{}).expect(t, "remove the file again", http.StatusSeeOther)
		author.post(upd+"/couverture/supprimer", url.Values{}).expect(t, "remove the cover again", http.StatusSeeOther)
		removed("update form, removed again")

		// Readers keep both until the approval.
		reader := s.browser(t)
		reader.get(sheet).expect(t, "published sheet", http.StatusOK).
			contains(t, "published sheet", "programme.pdf", "Le forum de 2025")

		// The moderator sees them removed in the comparison, then approves.
		author.post(upd+"/soumettre", url.Values{}).expect(t, "submit", http.StatusSeeOther)
		mod := s.browser(t)
		mod.login(w.NordMod.Email, "/bureau", "/bureau")
		page := mod.get(upd).expect(t, "update under review", http.StatusOK)
		changes := page.Body[strings.Index(page.Body, "Ce qui a changé"):]
		if !regexp.MustCompile(`<del>[^<]*programme\.pdf`).MatchString(changes) || !regexp.MustCompile(`<del>[^<]*Le forum de 2025`).MatchString(changes) {
			t.Errorf("the comparison does not name the removed file and cover:\n%.3000s", changes)
		}
		mod.post(upd+"/decision", url.Values{"decision": {"approve"}}).expect(t, "approve", http.StatusSeeOther, "/bureau")
		after := reader.get(sheet).expect(t, "sheet after", http.StatusOK)
		after.contains(t, "sheet after", "bilan.pdf")
		after.lacks(t, "sheet after", "programme.pdf", "Le forum de 2025")
	})
}
