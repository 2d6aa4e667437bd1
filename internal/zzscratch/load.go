package main

import (
	"context"
	"fmt"
	"os"
	"runtime/pprof"
	"syscall"
	"time"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

func load(db *store.DB) {
	ctx := context.Background()
	f, _ := os.Create("/tmp/load.prof")
	pprof.StartCPUProfile(f)
	defer pprof.StopCPUProfile()
	t0, c0 := time.Now(), cpu()
	_, err := store.FindPractices(ctx, db, store.PracticeFilter{Statuses: []passerelle.Status{passerelle.StatusPublished}, Limit: 20}, true)
	fmt.Println("first list (catalogue load)", time.Since(t0), "cpu", cpu()-c0, err)
}

func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
