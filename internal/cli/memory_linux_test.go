package cli

import (
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"
)

// TestReleaseExecutablePages: the pages of the binary touched so far leave
// the process's resident memory, and the program runs on (its code and
// constants are mapped back as they are used).
func TestReleaseExecutablePages(t *testing.T) {
	rssFile := func() int {
		b, err := os.ReadFile("/proc/self/status")
		if err != nil {
			t.Fatal(err)
		}
		for line := range strings.SplitSeq(string(b), "\n") {
			if rest, ok := strings.CutPrefix(line, "RssFile:"); ok {
				n, _ := strconv.Atoi(strings.TrimSuffix(strings.TrimSpace(rest), " kB"))
				return n
			}
		}
		t.Fatal("no RssFile in /proc/self/status")
		return 0
	}
	before := rssFile()
	released := releaseExecutablePages()
	after := rssFile()
	if released <= 0 || after >= before {
		t.Fatalf("released %d bytes; RssFile %d kB before, %d kB after", released, before, after)
	}
	if got := regexp.MustCompile(`p(a+)s`).FindStringSubmatch("passerelle"); len(got) != 2 || got[1] != "a" {
		t.Fatalf("after the release: %q", got)
	}
	t.Logf("released %d kB of the binary: RssFile %d kB → %d kB", released>>10, before, after)
}
