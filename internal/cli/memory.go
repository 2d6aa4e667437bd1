package cli

import (
	"context"
	"log/slog"
	"runtime/debug"
	"time"
)

// An idle server gives back what its last burst of work left behind: the
// Go heap it grew (the runtime returns it only over minutes) and the pages
// of the binary it touched (releaseExecutablePages). Each trimEvery, the
// CPU time the process used says whether it was idle (at most idleCPU:
// River's polls of the queue cost a few percent) or busy; it trims once idle
// after being busy. A trim costs a garbage collection of a small heap and,
// on the next request, mapping back the pages it uses: a few milliseconds,
// at most once per two windows.
const (
	trimEvery = time.Second
	idleCPU   = 50 * time.Millisecond
)

// trimWhenIdle trims the process's memory each time it falls idle after
// being busy, until ctx ends. Starting is busy.
func trimWhenIdle(ctx context.Context, logger *slog.Logger) {
	t := time.NewTicker(trimEvery)
	defer t.Stop()
	busy := true
	prev := cpuTime()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		now := cpuTime()
		if now == 0 {
			return // no measure of CPU time here
		}
		used := now - prev
		busy = busy || used > idleCPU
		if busy && used <= idleCPU {
			debug.FreeOSMemory()
			released := releaseExecutablePages()
			logger.Debug("idle: memory given back", slog.Int64("binary_bytes", released))
			busy, now = false, cpuTime()
		}
		prev = now
	}
}
