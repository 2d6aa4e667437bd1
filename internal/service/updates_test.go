package service_test

import (
	"bytes"
	"context"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/jobs"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/testenv"
)

// updateMarker is a word of a pending update's text that no public answer
// may contain.
const updateMarker = "Zorglubette"

// startUpdate publishes a sheet by w.MoulinsAuthor, then opens its update
// and writes the marker into its title and body.
func startUpdate(t *testing.T, b *testenv.Bundle, w *testenv.World) (pub, upd *passerelle.Practice) {
	t.Helper()
	ctx := context.Background()
	pub = drive(t, b.Service, w.MoulinsAuthor, w.NordMod, "qpv-moulins", "Forum emploi", passerelle.StatusPublished)
	upd, created, err := b.Service.StartUpdate(ctx, w.MoulinsAuthor, pub.ID)
	if err != nil || !created {
		t.Fatalf("start update: %v (created %v)", err, created)
	}
	if upd.UpdateOf != pub.ID || upd.Status != passerelle.StatusDraft || upd.Title != pub.Title || upd.Body != pub.Body {
		t.Fatalf("working revision: %+v", upd)
	}
	upd, err = b.Service.UpdatePractice(ctx, w.MoulinsAuthor, upd.ID, service.PracticeInput{
		Title: ptr("Forum emploi " + updateMarker), Body: ptr("Nouvelle édition " + updateMarker + "."), Version: upd.Version})
	if err != nil {
		t.Fatalf("edit the update: %v", err)
	}
	return pub, upd
}

func TestUpdateApprovedReplacesThePublishedContent(t *testing.T) {
	t.Parallel()
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		b := testenv.Setup(t, dialect, testenv.Options{RunWorkers: true, Mail: discardMail{}})
		w := testenv.NewWorld(t, b)
		ctx := context.Background()
		svc := b.Service
		pub, upd := startUpdate(t, b, w)

		// Started again: the same working revision, not a second one.
		again, created, err := svc.StartUpdate(ctx, w.MoulinsAuthor, pub.ID)
		if err != nil || created || again.ID != upd.ID {
			t.Fatalf("second start: %v, created %v, id %d want %d", err, created, again.ID, upd.ID)
		}
		// Only its author starts an update; a working revision has none.
		_, _, err = svc.StartUpdate(ctx, w.NordMod, pub.ID)
		requireCode(t, err, passerelle.EForbidden)
		_, _, err = svc.StartUpdate(ctx, w.MoulinsAuthor, upd.ID)
		requireCode(t, err, passerelle.EConflict)
		// The territory stays the sheet's.
		_, err = svc.UpdatePractice(ctx, w.MoulinsAuthor, upd.ID, service.PracticeInput{Territory: ptr("59350")})
		requireCodeFields(t, err, passerelle.EValidation, map[string]string{"territory": passerelle.FieldFixed})

		if _, err := svc.SetCover(ctx, w.MoulinsAuthor, upd.ID, "Le forum", bytes.NewReader(pngOf(t, 300, 200))); err != nil {
			t.Fatalf("cover of the update: %v", err)
		}
		if p, _ := svc.Practice(ctx, nil, pub.ID); p.Cover != nil {
			t.Error("the update's cover shows before its approval")
		}
		if _, err := svc.Submit(ctx, w.MoulinsAuthor, upd.ID); err != nil {
			t.Fatalf("submit: %v", err)
		}
		// The comparison shows the published version against the proposal.
		prev, cur, changes, err := svc.RevisionChanges(ctx, w.NordMod, upd.ID, pub.Revision+1)
		if err != nil || prev == nil || prev.Number != pub.Revision || cur.Practice.Title != upd.Title {
			t.Fatalf("comparison: %v, prev %+v", err, prev)
		}
		changed := map[string]bool{}
		for _, c := range changes {
			changed[c.Field] = true
		}
		if !changed["title"] || !changed["body"] || !changed["cover"] || changed["summary"] {
			t.Errorf("changed fields %v, want title, body and cover", changed)
		}
		// The author cannot decide; the moderator approves.
		_, err = svc.Decide(ctx, w.MoulinsAuthor, upd.ID, "approve", "")
		requireCode(t, err, passerelle.EForbidden)
		merged, err := svc.Decide(ctx, w.NordMod, upd.ID, "approve", "")
		if err != nil {
			t.Fatalf("approve: %v", err)
		}
		if merged.Status != passerelle.StatusMerged {
			t.Errorf("working revision: %s, want merged", merged.Status)
		}
		after, err := svc.Practice(ctx, nil, pub.ID)
		if err != nil {
			t.Fatal(err)
		}
		if after.Title != upd.Title || after.Body != upd.Body || after.Status != passerelle.StatusPublished {
			t.Errorf("published: %q %q %s", after.Title, after.Body, after.Status)
		}
		if after.Cover == nil || after.Cover.Alt != "Le forum" {
			t.Errorf("cover after the approval: %+v", after.Cover)
		}
		if !strings.Contains(after.BodyHTML, updateMarker) {
			t.Errorf("rendered body not replaced: %q", after.BodyHTML)
		}
		if !after.PublishedAt.Equal(*pub.PublishedAt) {
			t.Errorf("published at %v, was %v", after.PublishedAt, pub.PublishedAt)
		}
		if after.RevisedAt == nil || after.ReviewedAt == nil || !after.VerifiedAt().After(*pub.PublishedAt) {
			t.Errorf("revised %v, reviewed %v", after.RevisedAt, after.ReviewedAt)
		}
		if after.Revision != pub.Revision+1 {
			t.Errorf("revision %d, want %d", after.Revision, pub.Revision+1)
		}
		// The public sees the new version as the published revision, and
		// the fact of the update in its history, without who did it.
		revs, err := svc.Revisions(ctx, nil, pub.ID)
		if err != nil || len(revs) != 1 || revs[0].Number != after.Revision || revs[0].Practice.Title != upd.Title {
			t.Errorf("public revisions: %v %+v", err, revs)
		}
		history, err := svc.History(ctx, nil, pub.ID)
		if err != nil {
			t.Fatal(err)
		}
		last := history[len(history)-1]
		if last.Action != passerelle.ActionRevise || last.ActorID != 0 {
			t.Errorf("public history ends with %+v", last)
		}
		if w, err := svc.PendingUpdate(ctx, w.MoulinsAuthor, pub.ID); err != nil || w != nil {
			t.Errorf("pending after approval: %v %v", w, err)
		}
		// The author is told; the subscribers are not told again.
		waitJobsIdle(t, b)
		if n := notificationsOf(t, svc, w.MoulinsAuthor, pub.ID); n[passerelle.NotifyUpdated] != 1 {
			t.Errorf("author's notifications %v", n)
		}
		fanOuts, err := b.DB.Bun.NewSelect().Table("river_job").Where("kind = ?", jobs.FanOutArgs{}.Kind()).Count(ctx)
		if err != nil || fanOuts != 1 { // the first publication's only
			t.Errorf("%d fan-outs (%v), want 1", fanOuts, err)
		}
		// A next update starts from the new version.
		next, created, err := svc.StartUpdate(ctx, w.MoulinsAuthor, pub.ID)
		if err != nil || !created || next.Title != upd.Title || next.Revision != after.Revision {
			t.Errorf("next update: %v %v %+v", err, created, next)
		}
	})
}

func TestUpdateRejectedOrWithdrawnKeepsThePublishedContent(t *testing.T) {
	t.Parallel()
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		ctx := context.Background()
		svc := b.Service
		for _, end := range []string{"reject", "withdraw", "delete"} {
			pub, upd := startUpdate(t, b, w)
			endUpdate(t, svc, w, upd.ID, end, true)
			after, err := svc.Practice(ctx, nil, pub.ID)
			if err != nil {
				t.Fatal(err)
			}
			if after.Title != pub.Title || after.Body != pub.Body || after.Revision != pub.Revision || after.RevisedAt != nil {
				t.Errorf("%s: the published sheet changed: %q rev %d", end, after.Title, after.Revision)
			}
			if p, err := svc.PendingUpdate(ctx, w.MoulinsAuthor, pub.ID); err != nil || p != nil {
				t.Errorf("%s: still pending: %v %v", end, p, err)
			}
			// The author may start another.
			if _, created, err := svc.StartUpdate(ctx, w.MoulinsAuthor, pub.ID); err != nil || !created {
				t.Errorf("%s: start again: %v %v", end, created, err)
			}
		}
	})
}

func TestPendingUpdateStaysWithTheReview(t *testing.T) {
	t.Parallel()
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		ctx := context.Background()
		svc := b.Service
		pub, upd := startUpdate(t, b, w)
		if _, err := svc.Submit(ctx, w.MoulinsAuthor, upd.ID); err != nil {
			t.Fatal(err)
		}
		for _, u := range []*passerelle.User{w.MoulinsAuthor, w.NordMod, w.RegionMod, w.Admin} {
			if p, err := svc.PendingUpdate(ctx, u, pub.ID); err != nil || p == nil || p.ID != upd.ID {
				t.Errorf("%s does not see the update: %v %v", u.Email, p, err)
			}
		}
		for _, u := range []*passerelle.User{nil, w.Reader, w.LilleAuthor, w.PasMod} {
			who := "anonymous"
			if u != nil {
				who = u.Email
			}
			if p, err := svc.PendingUpdate(ctx, u, pub.ID); err != nil || p != nil {
				t.Errorf("%s sees the update: %v %v", who, p, err)
			}
			_, err := svc.Practice(ctx, u, upd.ID)
			requireCode(t, err, passerelle.ENotFound)
			got, err := svc.Practice(ctx, u, pub.ID)
			if err != nil || strings.Contains(got.Title+got.Body+got.BodyHTML, updateMarker) {
				t.Errorf("%s reads the pending text: %v %q", who, err, got.Title)
			}
			revs, err := svc.Revisions(ctx, u, pub.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range revs {
				if strings.Contains(r.Practice.Title+r.Practice.Body, updateMarker) {
					t.Errorf("%s reads the pending text in revision %d", who, r.Number)
				}
			}
		}
		found, err := svc.Published(ctx, service.ListQuery{Q: updateMarker}, true)
		if err != nil || found.Total != 0 {
			t.Errorf("search finds the pending text: %v %d", err, found.Total)
		}
		all, err := svc.Published(ctx, service.ListQuery{}, true)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range all.Items {
			if p.ID == upd.ID || strings.Contains(p.Title, updateMarker) {
				t.Errorf("the public list shows the update: %+v", p)
			}
		}
		// The moderators find it in their queue, like any submission.
		queue, err := svc.ReviewQueue(ctx, w.NordMod)
		if err != nil || len(queue) != 1 || queue[0].ID != upd.ID {
			t.Errorf("queue: %v %v", err, queue)
		}
	})
}

func TestUpdateRaces(t *testing.T) {
	t.Parallel()
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		ctx := context.Background()
		svc := b.Service
		pub := drive(t, svc, w.MoulinsAuthor, w.NordMod, "qpv-moulins", "Forum emploi", passerelle.StatusPublished)

		// Two starts at once open one working revision.
		var wg sync.WaitGroup
		ids := make([]int64, 4)
		for i := range ids {
			wg.Go(func() {
				upd, _, err := svc.StartUpdate(ctx, w.MoulinsAuthor, pub.ID)
				if err != nil {
					t.Errorf("start %d: %v", i, err)
					return
				}
				ids[i] = upd.ID
			})
		}
		wg.Wait()
		for _, id := range ids[1:] {
			if id != ids[0] {
				t.Fatalf("several working revisions: %v", ids)
			}
		}
		upd, err := svc.Practice(ctx, w.MoulinsAuthor, ids[0])
		if err != nil {
			t.Fatal(err)
		}
		// An edit based on a stale version is refused.
		if _, err := svc.UpdatePractice(ctx, w.MoulinsAuthor, upd.ID, service.PracticeInput{Title: ptr("Un"), Version: upd.Version}); err != nil {
			t.Fatal(err)
		}
		_, err = svc.UpdatePractice(ctx, w.MoulinsAuthor, upd.ID, service.PracticeInput{Title: ptr("Deux"), Version: upd.Version})
		requireCode(t, err, passerelle.EConflict)
		if _, err := svc.Submit(ctx, w.MoulinsAuthor, upd.ID); err != nil {
			t.Fatal(err)
		}
		// Two moderators deciding at once: exactly one decision holds.
		errs := make([]error, 2)
		for i, m := range []*passerelle.User{w.NordMod, w.RegionMod} {
			wg.Go(func() { _, errs[i] = svc.Decide(ctx, m, upd.ID, "approve", "") })
		}
		wg.Wait()
		ok := 0
		for _, err := range errs {
			if err == nil {
				ok++
			} else if passerelle.ErrorCode(err) != passerelle.EConflict {
				t.Errorf("decision: %v", err)
			}
		}
		if ok != 1 {
			t.Errorf("%d approvals succeeded: %v", ok, errs)
		}
		after, err := svc.Practice(ctx, nil, pub.ID)
		if err != nil || after.Title != "Un" || after.Revision != pub.Revision+1 {
			t.Errorf("published after the race: %v %q %d", err, after.Title, after.Revision)
		}
		// A sheet archived while its update waits is not replaced.
		upd2, _, err := svc.StartUpdate(ctx, w.MoulinsAuthor, pub.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Submit(ctx, w.MoulinsAuthor, upd2.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Archive(ctx, w.NordMod, pub.ID, "Obsolète."); err != nil {
			t.Fatal(err)
		}
		_, err = svc.Decide(ctx, w.NordMod, upd2.ID, "approve", "")
		requireCode(t, err, passerelle.EConflict)
	})
}

func TestPendingUpdatesOfAList(t *testing.T) {
	t.Parallel()
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		b := testenv.Setup(t, dialect, testenv.Options{})
		w := testenv.NewWorld(t, b)
		ctx := context.Background()
		svc := b.Service
		pub, upd := startUpdate(t, b, w)
		quiet := drive(t, svc, w.MoulinsAuthor, w.NordMod, "qpv-moulins", "Atelier CV", passerelle.StatusPublished)
		mine, _, err := svc.MyPractices(ctx, w.MoulinsAuthor)
		if err != nil {
			t.Fatal(err)
		}
		// Only the published sheet with an update under way, keyed by it.
		got, err := svc.PendingUpdates(ctx, w.MoulinsAuthor, mine)
		if err != nil || len(got) != 1 || got[pub.ID] == nil || got[pub.ID].ID != upd.ID || got[quiet.ID] != nil {
			t.Fatalf("pending updates of the author's list: %v %v", got, err)
		}
		if _, err := svc.Submit(ctx, w.MoulinsAuthor, upd.ID); err != nil {
			t.Fatal(err)
		}
		if got, err := svc.PendingUpdates(ctx, w.NordMod, mine); err != nil || got[pub.ID] == nil || got[pub.ID].Status != passerelle.StatusSubmitted {
			t.Errorf("the moderator's: %v %v", got, err)
		}
		// Nobody else learns of it.
		for _, u := range []*passerelle.User{nil, w.Reader, w.LilleAuthor} {
			if got, err := svc.PendingUpdates(ctx, u, mine); err != nil || len(got) != 0 {
				t.Errorf("%v sees %v (%v)", u, got, err)
			}
		}
		// Over once approved.
		if _, err := svc.Decide(ctx, w.NordMod, upd.ID, "approve", ""); err != nil {
			t.Fatal(err)
		}
		if got, err := svc.PendingUpdates(ctx, w.MoulinsAuthor, mine); err != nil || len(got) != 0 {
			t.Errorf("after the approval: %v %v", got, err)
		}
	})
}

// endUpdate ends the update id of w.MoulinsAuthor by end: "delete" (a
// draft), else submitted — asked for changes and submitted again first with
// revised — then "approve", "reject" (w.NordMod) or "withdraw".
func endUpdate(t *testing.T, svc *service.Service, w *testenv.World, id int64, end string, revised bool) {
	t.Helper()
	ctx := context.Background()
	if end != "delete" {
		steps := []func() (*passerelle.Practice, error){func() (*passerelle.Practice, error) { return svc.Submit(ctx, w.MoulinsAuthor, id) }}
		if revised {
			steps = append(steps,
				func() (*passerelle.Practice, error) {
					return svc.Decide(ctx, w.NordMod, id, "request_changes", "Précisez la date.")
				},
				func() (*passerelle.Practice, error) { return svc.Submit(ctx, w.MoulinsAuthor, id) })
		}
		for i, step := range steps {
			if _, err := step(); err != nil {
				t.Fatalf("%s: step %d before: %v", end, i+1, err)
			}
		}
	}
	var err error
	switch end {
	case "approve", "reject":
		_, err = svc.Decide(ctx, w.NordMod, id, end, "Merci.")
	case "withdraw":
		_, err = svc.Withdraw(ctx, w.MoulinsAuthor, id)
	case "delete":
		err = svc.DeleteDraft(ctx, w.MoulinsAuthor, id)
	default:
		t.Fatalf("no such end %q", end)
	}
	if err != nil {
		t.Fatalf("%s: %v", end, err)
	}
}

// publishedWithFiles publishes a sheet of w.MoulinsAuthor holding the files
// names (PDFs) and a cover.
func publishedWithFiles(t *testing.T, b *testenv.Bundle, w *testenv.World, names ...string) (*passerelle.Practice, map[string]passerelle.Attachment) {
	t.Helper()
	ctx := context.Background()
	svc := b.Service
	p := drive(t, svc, w.MoulinsAuthor, w.NordMod, "qpv-moulins", "Forum emploi", passerelle.StatusDraft)
	files := map[string]passerelle.Attachment{}
	for _, name := range names {
		a, err := svc.AddAttachment(ctx, w.MoulinsAuthor, p.ID, name, bytes.NewReader(pdfFile))
		if err != nil {
			t.Fatalf("attach %s: %v", name, err)
		}
		files[name] = *a
	}
	if _, err := svc.SetCover(ctx, w.MoulinsAuthor, p.ID, "Le forum de 2025", bytes.NewReader(pngOf(t, 300, 200))); err != nil {
		t.Fatal(err)
	}
	if _, err := svc.Submit(ctx, w.MoulinsAuthor, p.ID); err != nil {
		t.Fatal(err)
	}
	p, err := svc.Decide(ctx, w.NordMod, p.ID, "approve", "")
	if err != nil {
		t.Fatal(err)
	}
	return p, files
}

// stored reports whether the bucket holds key.
func inBucket(t *testing.T, b *testenv.Bundle, key string) bool {
	t.Helper()
	ok, err := b.Service.Files.Exists(context.Background(), key)
	if err != nil {
		t.Fatal(err)
	}
	return ok
}

// waitGone waits until the cleanup jobs deleted key from the bucket.
func waitGone(t *testing.T, b *testenv.Bundle, key string) {
	t.Helper()
	deadline := time.Now().Add(time.Minute) // room for a busy machine
	for inBucket(t, b, key) {
		if time.Now().After(deadline) {
			t.Fatalf("%s is still in the bucket", key)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func fileNames(items []passerelle.Attachment) string {
	names := make([]string, len(items))
	for i, a := range items {
		names[i] = a.Name
	}
	return strings.Join(names, ",")
}

func TestUpdateRemovesPublishedFilesAndCover(t *testing.T) {
	t.Parallel()
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		b := testenv.Setup(t, dialect, testenv.Options{RunWorkers: true, Mail: discardMail{}})
		w := testenv.NewWorld(t, b)
		ctx := context.Background()
		svc := b.Service
		pub, files := publishedWithFiles(t, b, w, "programme.pdf", "bilan.pdf")
		oldCover := pub.Cover
		upd, _, err := svc.StartUpdate(ctx, w.MoulinsAuthor, pub.ID)
		if err != nil {
			t.Fatal(err)
		}
		added, err := svc.AddAttachment(ctx, w.MoulinsAuthor, upd.ID, "programme-2026.pdf", bytes.NewReader(pdfFile))
		if err != nil {
			t.Fatal(err)
		}

		// Only the update's author removes, and only the files of the sheet
		// it updates.
		prog := files["programme.pdf"]
		requireCode(t, second(svc.RemoveAttachmentOf(ctx, w.NordMod, upd.ID, prog.ID)), passerelle.EForbidden)
		requireCode(t, second(svc.RemoveAttachmentOf(ctx, w.LilleAuthor, upd.ID, prog.ID)), passerelle.ENotFound)
		other, otherFiles := publishedWithFiles(t, b, w, "ailleurs.pdf")
		requireCode(t, second(svc.RemoveAttachmentOf(ctx, w.MoulinsAuthor, upd.ID, otherFiles["ailleurs.pdf"].ID)), passerelle.ENotFound)
		requireCode(t, second(svc.RemoveAttachmentOf(ctx, w.MoulinsAuthor, other.ID, prog.ID)), passerelle.EConflict)
		if deferred, err := svc.RemoveAttachmentOf(ctx, w.MoulinsAuthor, upd.ID, prog.ID); err != nil || !deferred {
			t.Fatalf("remove a published file: %v (deferred %v)", err, deferred)
		}
		if err := svc.RemoveCover(ctx, w.MoulinsAuthor, upd.ID); err != nil {
			t.Fatalf("remove the published cover: %v", err)
		}
		uf, err := svc.PublishedFiles(ctx, w.MoulinsAuthor, upd.ID)
		if err != nil || fileNames(uf.Kept) != "bilan.pdf" || fileNames(uf.Removed) != "programme.pdf" ||
			uf.Cover != nil || uf.RemovedCover == nil || uf.RemovedCover.Key != oldCover.Key {
			t.Fatalf("what the update keeps: %v %+v", err, uf)
		}
		// Nothing changes on the published sheet before the approval.
		check := func(when string, wantFiles string, wantCover bool) {
			t.Helper()
			p, err := svc.Practice(ctx, nil, pub.ID)
			if err != nil {
				t.Fatal(err)
			}
			if got := fileNames(p.Attachments); got != wantFiles || (p.Cover != nil) != wantCover {
				t.Errorf("%s: the published sheet holds %q, cover %+v", when, got, p.Cover)
			}
		}
		check("before the approval", "programme.pdf,bilan.pdf", true)
		if !inBucket(t, b, prog.Key) || !inBucket(t, b, oldCover.Key+"/640.jpg") {
			t.Error("a published file left the bucket before the approval")
		}

		// The moderator's comparison names the file and the cover removed.
		if _, err := svc.Submit(ctx, w.MoulinsAuthor, upd.ID); err != nil {
			t.Fatal(err)
		}
		_, _, changes, err := svc.RevisionChanges(ctx, w.NordMod, upd.ID, pub.Revision+1)
		if err != nil {
			t.Fatal(err)
		}
		byField := map[string]passerelle.FieldChange{}
		for _, c := range changes {
			byField[c.Field] = c
		}
		if c := byField["attachments"]; !strings.Contains(c.Before, "programme.pdf") ||
			c.After != "bilan.pdf\nprogramme-2026.pdf" {
			t.Errorf("files compared: %q → %q", c.Before, c.After)
		}
		if c := byField["cover"]; !strings.Contains(c.Before, "Le forum de 2025") || c.After != "" {
			t.Errorf("cover compared: %q → %q", c.Before, c.After)
		}

		used, err := store.StorageUsedBy(ctx, b.DB.Read, w.MoulinsAuthor.ID)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := svc.Decide(ctx, w.NordMod, upd.ID, "approve", ""); err != nil {
			t.Fatalf("approve: %v", err)
		}
		// Approved: the file and the cover are gone from the sheet, then
		// from the bucket; the files kept and added stay.
		check("after the approval", "bilan.pdf,programme-2026.pdf", false)
		waitGone(t, b, prog.Key)
		for _, width := range passerelle.CoverWidths {
			waitGone(t, b, oldCover.Key+"/"+strconv.Itoa(width)+".jpg")
		}
		for _, key := range []string{files["bilan.pdf"].Key, added.Key, otherFiles["ailleurs.pdf"].Key, other.Cover.Key + "/640.jpg"} {
			if !inBucket(t, b, key) {
				t.Errorf("%s left the bucket", key)
			}
		}
		if after, err := store.StorageUsedBy(ctx, b.DB.Read, w.MoulinsAuthor.ID); err != nil || after != used-prog.Size {
			t.Errorf("storage used %d (%v), want %d", after, err, used-prog.Size)
		}

		// A cover chosen by an update, then replaced by the next one: the
		// replaced one leaves the bucket, the sheet keeps the new one.
		covers := make([]*passerelle.Cover, 2)
		for i, alt := range []string{"Affiche 2026", "Affiche 2027"} {
			next, _, err := svc.StartUpdate(ctx, w.MoulinsAuthor, pub.ID)
			if err != nil {
				t.Fatal(err)
			}
			if next, err = svc.SetCover(ctx, w.MoulinsAuthor, next.ID, alt, bytes.NewReader(pngOf(t, 300, 200))); err != nil {
				t.Fatal(err)
			}
			covers[i] = next.Cover
			endUpdate(t, svc, w, next.ID, "approve", false)
		}
		if p, err := svc.Practice(ctx, nil, pub.ID); err != nil || p.Cover == nil || p.Cover.Key != covers[1].Key {
			t.Fatalf("the sheet's cover: %v %+v", err, p.Cover)
		}
		waitGone(t, b, covers[0].Key+"/640.jpg")
		if !inBucket(t, b, covers[1].Key+"/640.jpg") {
			t.Error("the sheet's cover left the bucket")
		}
	})
}

func TestUpdateRemovalsUndoneWithTheUpdate(t *testing.T) {
	t.Parallel()
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		b := testenv.Setup(t, dialect, testenv.Options{RunWorkers: true, Mail: discardMail{}})
		w := testenv.NewWorld(t, b)
		ctx := context.Background()
		svc := b.Service
		pub, files := publishedWithFiles(t, b, w, "programme.pdf")
		prog := files["programme.pdf"]
		for _, end := range []string{"reject", "withdraw", "delete"} {
			upd := updateRemoving(t, svc, w, pub.ID, prog.ID)
			endUpdate(t, svc, w, upd.ID, end, false)
			p, err := svc.Practice(ctx, nil, pub.ID)
			if err != nil {
				t.Fatal(err)
			}
			if fileNames(p.Attachments) != "programme.pdf" || p.Cover == nil || p.Cover.Key != pub.Cover.Key {
				t.Errorf("%s: the published sheet holds %q, cover %+v", end, fileNames(p.Attachments), p.Cover)
			}
		}
		// A next update starts with nothing removed.
		upd, _, err := svc.StartUpdate(ctx, w.MoulinsAuthor, pub.ID)
		if err != nil {
			t.Fatal(err)
		}
		if uf, err := svc.PublishedFiles(ctx, w.MoulinsAuthor, upd.ID); err != nil || len(uf.Removed) != 0 || uf.RemovedCover != nil || uf.Cover == nil {
			t.Errorf("a next update: %v %+v", err, uf)
		}
		waitJobsSettled(t, b)
		if !inBucket(t, b, prog.Key) || !inBucket(t, b, pub.Cover.Key+"/640.jpg") {
			t.Error("a published file left the bucket though no update removing it was approved")
		}
	})
}

// waitJobsSettled waits until no job is due or running (those scheduled
// for later, such as the uploads' guards, left aside).
func waitJobsSettled(t *testing.T, b *testenv.Bundle) {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		n, err := b.DB.Bun.NewSelect().Table("river_job").
			Where("state IN ('available', 'running', 'retryable', 'pending')").Count(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d River jobs still due", n)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// updateRemoving opens an update of pub by its author (MoulinsAuthor) that
// removes the published file and the cover.
func updateRemoving(t *testing.T, svc *service.Service, w *testenv.World, pub, file int64) *passerelle.Practice {
	t.Helper()
	ctx := context.Background()
	upd, _, err := svc.StartUpdate(ctx, w.MoulinsAuthor, pub)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := svc.RemoveAttachmentOf(ctx, w.MoulinsAuthor, upd.ID, file); err != nil {
		t.Fatal(err)
	}
	if err := svc.RemoveCover(ctx, w.MoulinsAuthor, upd.ID); err != nil {
		t.Fatal(err)
	}
	return upd
}

// second is the error of a call answering a value and an error.
func second[T any](_ T, err error) error { return err }

func TestUpdateTakesRemovalsBack(t *testing.T) {
	t.Parallel()
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		b := testenv.Setup(t, dialect, testenv.Options{RunWorkers: true, Mail: discardMail{}})
		w := testenv.NewWorld(t, b)
		ctx := context.Background()
		svc := b.Service
		pub, files := publishedWithFiles(t, b, w, "programme.pdf")
		prog := files["programme.pdf"]
		upd := updateRemoving(t, svc, w, pub.ID, prog.ID)
		// Only the update's author takes them back.
		requireCode(t, svc.KeepPublishedFile(ctx, w.NordMod, upd.ID, prog.ID), passerelle.EForbidden)
		requireCode(t, svc.KeepPublishedCover(ctx, w.LilleAuthor, upd.ID), passerelle.ENotFound)
		requireCode(t, svc.KeepPublishedCover(ctx, w.MoulinsAuthor, pub.ID), passerelle.EConflict)
		// Not past the limit of files, counting those the update added.
		var added []int64
		for i := range passerelle.MaxAttachments {
			a, err := svc.AddAttachment(ctx, w.MoulinsAuthor, upd.ID, "annexe-"+strconv.Itoa(i)+".pdf", bytes.NewReader(pdfFile))
			if err != nil {
				t.Fatalf("file %d of the update: %v", i+1, err)
			}
			added = append(added, a.ID)
		}
		requireCode(t, svc.KeepPublishedFile(ctx, w.MoulinsAuthor, upd.ID, prog.ID), passerelle.EConflict)
		if err := svc.RemoveAttachment(ctx, w.MoulinsAuthor, added[0]); err != nil {
			t.Fatal(err)
		}
		if err := svc.KeepPublishedFile(ctx, w.MoulinsAuthor, upd.ID, prog.ID); err != nil {
			t.Fatalf("keep the file: %v", err)
		}
		for _, id := range added[1:] {
			if err := svc.RemoveAttachment(ctx, w.MoulinsAuthor, id); err != nil {
				t.Fatal(err)
			}
		}
		if err := svc.KeepPublishedCover(ctx, w.MoulinsAuthor, upd.ID); err != nil {
			t.Fatalf("keep the cover: %v", err)
		}
		uf, err := svc.PublishedFiles(ctx, w.MoulinsAuthor, upd.ID)
		if err != nil || fileNames(uf.Kept) != "programme.pdf" || len(uf.Removed) != 0 || uf.Cover == nil || uf.RemovedCover != nil {
			t.Fatalf("after taking back: %v %+v", err, uf)
		}
		endUpdate(t, svc, w, upd.ID, "approve", false)
		p, err := svc.Practice(ctx, nil, pub.ID)
		if err != nil || fileNames(p.Attachments) != "programme.pdf" || p.Cover == nil || p.Cover.Key != pub.Cover.Key {
			t.Fatalf("the approved sheet: %v %q %+v", err, fileNames(p.Attachments), p.Cover)
		}
		waitJobsSettled(t, b)
		if !inBucket(t, b, prog.Key) || !inBucket(t, b, pub.Cover.Key+"/640.jpg") {
			t.Error("a file taken back left the bucket")
		}
	})
}
