//go:build !linux

package cli

import "time"

// releaseExecutablePages gives back the binary's pages touched at start on
// Linux; elsewhere it does nothing.
func releaseExecutablePages() int64 { return 0 }

// cpuTime returns the CPU time the process has used so far, on Linux; 0
// elsewhere (trimWhenIdle then never trims).
func cpuTime() time.Duration { return 0 }
