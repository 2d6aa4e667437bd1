package cli

import (
	"bufio"
	"bytes"
	"os"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// releaseExecutablePages gives back the pages of the binary's read-only
// mappings (code, constants, Go's tables) that the start touched: the
// packages' initialisation, the templates, the first queries fault in
// around 40 MB of a 80 MB binary, of which an idle server uses a few. They
// are clean pages of the file: dropping them from the process costs
// nothing, and those used again are mapped back from the page cache on
// their next use (a minor fault). A mapping holding any page of its own (a
// private copy, as a relocation would make: an anonymous page) is left
// alone: dropping it would lose that copy. It returns the resident bytes released.
func releaseExecutablePages() int64 {
	exe, err := os.Readlink("/proc/self/exe")
	if err != nil {
		return 0
	}
	smaps, err := os.ReadFile("/proc/self/smaps")
	if err != nil {
		return 0
	}
	type mapping struct {
		from, to      uintptr
		rss, own      int64 // kB
		mine, written bool
	}
	var maps []mapping
	sc := bufio.NewScanner(bytes.NewReader(smaps))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) == 0 {
			continue
		}
		if !strings.HasSuffix(f[0], ":") && strings.Contains(f[0], "-") {
			from, to, _ := strings.Cut(f[0], "-")
			a, err1 := strconv.ParseUint(from, 16, 64)
			b, err2 := strconv.ParseUint(to, 16, 64)
			m := mapping{from: uintptr(a), to: uintptr(b)}
			m.mine = err1 == nil && err2 == nil && len(f) >= 6 && f[len(f)-1] == exe
			m.written = len(f) < 2 || strings.Contains(f[1], "w")
			maps = append(maps, m)
			continue
		}
		if len(maps) == 0 || len(f) < 2 {
			continue
		}
		n, _ := strconv.ParseInt(f[1], 10, 64)
		switch m := &maps[len(maps)-1]; f[0] {
		case "Rss:":
			m.rss = n
		case "Anonymous:", "Swap:":
			// Pages of the process's own (private copies), in memory or
			// swapped out. (Private_Dirty also counts pages of the file
			// not yet written back, as after a fresh build: they stay in
			// the page cache.)
			m.own += n
		}
	}
	var released int64
	for _, m := range maps {
		if !m.mine || m.written || m.own > 0 || m.rss == 0 || m.to <= m.from {
			continue
		}
		// The mapping of our own binary, read-only and clean: see above.
		if _, _, errno := syscall.Syscall(syscall.SYS_MADVISE, m.from, m.to-m.from, syscall.MADV_DONTNEED); errno == 0 {
			released += m.rss << 10
		}
	}
	return released
}

// cpuTime returns the CPU time the process has used so far.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
