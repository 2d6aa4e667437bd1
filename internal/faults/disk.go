package faults

import (
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/passerelle/passerelle/internal/store"
)

// diskSize is the size of the small file system under SQLite.
const diskSize = "32m"

// runDisk puts SQLite's data directory on a small tmpfs, loads the server,
// fills the disk, and frees it again. While the disk is full, writes must
// answer 503 (with Retry-After) rather than 500, reads must go on, and
// /healthz must say the database is not writable; once space is back,
// everything must recover on its own. Every acknowledged write must be in
// the database.
func runDisk(ctx context.Context, cfg *Config) []*Result {
	r := &Result{Name: "disk: SQLite disk full"}
	dir, err := os.MkdirTemp("", "passerelle-faults-disk-")
	if err != nil {
		r.Failures = append(r.Failures, err.Error())
		return []*Result{r}
	}
	defer func() { _ = os.RemoveAll(dir) }()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size="+diskSize, "tmpfs", dir).CombinedOutput(); err != nil {
		r.Skipped = fmt.Sprintf("cannot mount a tmpfs (root needed): %s", strings.TrimSpace(string(out)))
		return []*Result{r}
	}
	defer func() {
		if out, err := exec.Command("umount", dir).CombinedOutput(); err != nil {
			cfg.logf("umount %s: %v %s", dir, err, out)
		}
	}()
	if err := disk(ctx, cfg, r, dir); err != nil {
		r.Failures = append(r.Failures, err.Error())
	}
	return []*Result{r}
}

func disk(ctx context.Context, cfg *Config, r *Result, dir string) error {
	site, err := NewSite(ctx, cfg, store.SQLite, filepath.Join(dir, "data"))
	if err != nil {
		return err
	}
	defer site.Close()
	if _, err := site.Seed(ctx, 0, 0); err != nil {
		return fmt.Errorf("seed: %w", err)
	}
	srv, err := site.Start(ctx, "serve", "--log-level", "error")
	if err != nil {
		return err
	}
	defer func() { _ = srv.Stop() }()
	load, err := StartLoad(ctx, srv.Base, "contributeur@faults.test", 4, strings.Repeat("Un paragraphe du brouillon. ", 150))
	if err != nil {
		return err
	}
	began := time.Now()
	time.Sleep(5 * time.Second)
	filler := filepath.Join(dir, "filler")
	size, err := fill(filler)
	if err != nil {
		load.Stop()
		return err
	}
	full := time.Now()
	cfg.logf("disk full (%d MiB of filler); load for 15 s", size>>20)
	time.Sleep(15 * time.Second)
	if err := os.Remove(filler); err != nil {
		load.Stop()
		return err
	}
	freed := time.Now()
	cfg.logf("space freed; load for 15 s more")
	time.Sleep(15 * time.Second)
	load.Stop()
	ended := time.Now()

	log := load.Log
	r.printf("before (5 s):       writes %s", summarize(log.Samples("write", began, full)))
	writes := summarize(log.Samples("write", full, freed))
	reads := summarize(append(log.Samples("read", full, freed), log.Samples("page", full, freed)...))
	r.printf("disk full (15 s):   writes %s", writes)
	r.printf("                    reads  %s", reads)
	r.printf("503 answers carry Retry-After: %t", writes.RetryAfterSeen)
	for _, e := range errorKinds(log.Samples("", full, freed)) {
		r.printf("  error answers: %s", e)
	}
	detected := time.Duration(-1)
	var healthBody string
	for _, s := range log.Samples("health", full, freed) {
		if s.Status == 503 {
			detected, healthBody = s.End().Sub(full), s.Body
			break
		}
	}
	health := summarize(log.Samples("health", full, freed))
	r.printf("/healthz while full: %s; first 503 %s after the disk filled: %s", health, seconds(detected), healthBody)
	firstWrite, firstHealthy := time.Duration(-1), time.Duration(-1)
	for _, s := range log.Samples("write", freed, ended) {
		if s.Status == 201 {
			firstWrite = s.End().Sub(freed)
			break
		}
	}
	for _, s := range log.Samples("health", freed, ended) {
		if s.Status == 200 {
			firstHealthy = s.End().Sub(freed)
			break
		}
	}
	after := summarize(log.Samples("write", freed.Add(max(firstWrite, 0)), ended))
	r.printf("space back:         first write acknowledged after %s, /healthz 200 after %s; then writes %s",
		seconds(firstWrite), seconds(firstHealthy), after)

	r.check(writes.ByStatus["500"] == 0, "%d writes answered 500 on a full disk (want 503)", writes.ByStatus["500"])
	r.check(writes.ByStatus["503"] > 0, "no write answered 503 on a full disk: %s", writes)
	r.check(writes.RetryAfterSeen, "a 503 without Retry-After")
	r.check(detected >= 0 && detected <= 10*time.Second, "/healthz did not answer 503 within 10 s of the disk filling")
	r.check(firstWrite >= 0 && firstWrite <= 10*time.Second, "writes did not recover within 10 s")
	r.check(firstHealthy >= 0 && firstHealthy <= 10*time.Second, "/healthz did not recover within 10 s")
	if err := srv.Stop(); err != nil {
		r.check(false, "SIGTERM: %v", err)
	}
	return checkWrites(ctx, site, log, r)
}

// fill writes a file until the file system has no space left, and returns
// its size.
func fill(path string) (int64, error) {
	f, err := os.Create(path)
	if err != nil {
		return 0, err
	}
	defer func() { _ = f.Close() }()
	var n int64
	for _, chunk := range []int{1 << 20, 4 << 10, 512} {
		buf := make([]byte, chunk)
		for {
			w, err := f.Write(buf)
			n += int64(w)
			if errors.Is(err, syscall.ENOSPC) {
				break
			} else if err != nil {
				return n, err
			}
		}
	}
	return n, nil
}
