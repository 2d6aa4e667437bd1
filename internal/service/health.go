package service

import (
	"cmp"
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/passerelle/passerelle/internal/store"
)

// The rules of the health check (GET /healthz).
const (
	// HealthBudget is how long a health check may take: a monitor or a
	// load balancer gets its answer within a second whatever the database
	// does.
	HealthBudget = 750 * time.Millisecond
	// healthWriteEvery spaces the write checks: proving that the database
	// takes writes costs a write, so it runs at most this often and the
	// checks in between reuse its result. After a failed one, the next
	// check tries again at once, so that a recovery shows without delay.
	healthWriteEvery = 5 * time.Second
	// healthWriteStale is how old a write check may be and still count: a
	// write check that has not finished since is a write that hangs.
	healthWriteStale = 15 * time.Second
	// diskFloor is the free space under which the disk counts as full.
	diskFloor = 1 << 20
	// diskFullMemory is how long a write refused for lack of space keeps
	// the database "not writable" until a probe goes through after it.
	diskFullMemory = 10 * time.Second
)

// Health is what the health check found.
type Health struct {
	// Database: the database answered a query within the budget.
	Database bool
	// Writable: it took a write (at most healthWriteEvery ago), no write
	// was refused for lack of space lately, and the disks under the data
	// have room.
	Writable bool
	// Queue counts the background jobs not yet done.
	Queue store.QueueCounts
	// SearchFromMemory: the public search is answered from the in-memory
	// text index (false for a moment after a start: the database answers).
	SearchFromMemory bool
	// Reason says why the service is not healthy ("" when it is), without
	// internal details: the health check is public. The details go to the
	// log when the health changes.
	Reason string
}

// OK reports whether the service can serve: the database answers and takes
// writes.
func (h Health) OK() bool { return h.Database && h.Writable }

// writeCheck is the outcome of the last write check.
type writeCheck struct {
	at    time.Time // when it finished
	err   error
	queue store.QueueCounts
}

// healthState is a database's health, shared by every request of the
// process.
type healthState struct {
	mu       sync.Mutex
	last     writeCheck
	running  chan struct{} // closed when the write check in flight ends; nil if none
	diskFull time.Time     // the last write refused for lack of space
	reported string        // the reason last logged ("" when healthy)
}

var healthStates sync.Map // *store.DB → *healthState

func (s *Service) health() *healthState {
	v, _ := healthStates.LoadOrStore(s.DB, &healthState{})
	return v.(*healthState)
}

// NoteFailure takes note of an error met while serving: a write refused for
// lack of space makes the health check report the database as not
// writable for a while, whatever its own small probe manages.
func (s *Service) NoteFailure(err error) {
	if s == nil || s.DB == nil || !store.DiskFull(err) {
		return
	}
	h := s.health()
	h.mu.Lock()
	h.diskFull = time.Now()
	h.mu.Unlock()
}

// CheckHealth checks the database — it answers a query, takes a write, has
// disk space — and counts the queued jobs, within ctx's deadline (give it
// HealthBudget). The write check and the count run at most every few
// seconds, in the background, and never longer than healthWriteStale.
func (s *Service) CheckHealth(ctx context.Context) Health {
	out := Health{SearchFromMemory: s.DB.SearchFromMemory()}
	var detail error
	h := s.health()
	done := h.startWriteCheck(s)
	if err := s.DB.Ping(ctx); err != nil {
		out.Reason, detail = "the database does not answer", err
	} else {
		out.Database = true
	}
	// Wait for a write check in flight while the budget lasts: the answer
	// then says what the database does now.
	if done != nil {
		select {
		case <-done:
		case <-ctx.Done():
		}
	}
	h.mu.Lock()
	last, diskFull := h.last, h.diskFull
	h.mu.Unlock()
	out.Queue = last.queue
	age := time.Since(last.at)
	switch {
	case last.at.IsZero() || age > healthWriteStale:
		out.Reason = firstReason(out.Reason, "no write went through for "+roundAge(age, last.at))
	case last.err != nil && store.DiskFull(last.err):
		out.Reason, detail = firstReason(out.Reason, "the disk is full"), cmp.Or(detail, last.err)
	case last.err != nil:
		out.Reason, detail = firstReason(out.Reason, "the database refuses writes"), cmp.Or(detail, last.err)
	case diskFull.After(last.at) && time.Since(diskFull) < diskFullMemory:
		// A write was refused for lack of space since the last probe
		// went through; the next check probes again.
		out.Reason = firstReason(out.Reason, "the disk is full")
	default:
		out.Writable = true
	}
	if out.Writable {
		for _, dir := range []string{s.DB.Folder(), s.DataDir} {
			if dir == "" {
				continue
			}
			if free, err := store.FreeSpace(dir); err == nil && free < diskFloor {
				out.Writable = false
				out.Reason, detail = "the disk is full", fmt.Errorf("%d KiB free under %s", free>>10, dir)
				break
			}
		}
	}
	h.report(s, out.Reason, detail)
	return out
}

// report logs a change of health, with the details the answer leaves out.
func (h *healthState) report(s *Service, reason string, detail error) {
	h.mu.Lock()
	changed := reason != h.reported
	h.reported = reason
	h.mu.Unlock()
	if !changed || s.Logger == nil {
		return
	}
	if reason == "" {
		s.Logger.Info("health check: the database answers and takes writes again")
		return
	}
	s.Logger.Warn("health check: "+reason, slog.Any("err", detail))
}

// startWriteCheck starts a write check unless a recent one holds or one is
// running; it returns a channel closed when the running one ends (nil when
// the last one is recent enough).
func (h *healthState) startWriteCheck(s *Service) <-chan struct{} {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.running != nil {
		return h.running
	}
	if !h.last.at.IsZero() && h.last.err == nil && !h.diskFull.After(h.last.at) && time.Since(h.last.at) < healthWriteEvery {
		return nil
	}
	done := make(chan struct{})
	h.running = done
	go func() {
		defer close(done)
		ctx, cancel := context.WithTimeout(context.Background(), healthWriteStale)
		defer cancel()
		err := s.DB.ProbeWrite(ctx)
		queue, qerr := s.DB.QueueCounts(ctx)
		if err == nil {
			err = qerr
		}
		if store.DiskFull(err) {
			s.NoteFailure(err)
		}
		h.mu.Lock()
		h.last = writeCheck{at: time.Now(), err: err, queue: queue}
		h.running = nil
		h.mu.Unlock()
	}()
	return done
}

func firstReason(current, next string) string {
	if current != "" {
		return current
	}
	return next
}

func roundAge(age time.Duration, at time.Time) string {
	if at.IsZero() {
		return "since the start"
	}
	return age.Round(time.Second).String()
}
