package cli

import (
	"bytes"
	"log/slog"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// phases times the steps of a start, for one log line once the server
// serves (level info): where a slow start goes.
type phases struct {
	mu    sync.Mutex
	began time.Time
	last  time.Time
	attrs []any
}

func newPhases() *phases {
	now := time.Now()
	p := &phases{began: now, last: now}
	// The time from the process's start to here: loading the binary, the
	// runtime and the packages' initialisation.
	if age, ok := processAge(); ok {
		p.attrs = append(p.attrs, slog.Duration("exec", age.Round(time.Millisecond)))
		p.began = now.Add(-age)
	}
	return p
}

// processAge returns how long ago the process started, on Linux (to the
// clock tick, 10 ms).
func processAge() (time.Duration, bool) {
	stat, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		return 0, false
	}
	uptime, err := os.ReadFile("/proc/uptime")
	if err != nil {
		return 0, false
	}
	// Fields after the command's name (in parentheses, which may hold
	// spaces): the start time is the 22nd field, the 20th after it.
	i := bytes.LastIndexByte(stat, ')')
	if i < 0 {
		return 0, false
	}
	fields := strings.Fields(string(stat[i+1:]))
	up, _, _ := strings.Cut(string(uptime), " ")
	if len(fields) < 20 {
		return 0, false
	}
	ticks, err1 := strconv.ParseInt(fields[19], 10, 64)
	secs, err2 := strconv.ParseFloat(up, 64)
	if err1 != nil || err2 != nil {
		return 0, false
	}
	const hz = 100 // USER_HZ on every Linux of note
	age := time.Duration(secs*float64(time.Second)) - time.Duration(ticks)*time.Second/hz
	return age, age >= 0 && age < time.Hour
}

// done records the time since the previous step as name's.
func (p *phases) done(name string) {
	if p == nil {
		return
	}
	p.mu.Lock()
	defer p.mu.Unlock()
	now := time.Now()
	p.attrs = append(p.attrs, slog.Duration(name, now.Sub(p.last).Round(time.Millisecond)))
	p.last = now
}

// log writes the steps so far and the total.
func (p *phases) log(logger *slog.Logger, msg string) {
	p.mu.Lock()
	defer p.mu.Unlock()
	logger.Info(msg, append(p.attrs, slog.Duration("total", time.Since(p.began).Round(time.Millisecond)))...)
}
