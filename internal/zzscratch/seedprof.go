package main

import (
	"context"
	"fmt"
	"os"
	"runtime/pprof"
	"time"

	"github.com/passerelle/passerelle/internal/seed"
	"github.com/passerelle/passerelle/internal/store"
)

func seedprof(db *store.DB) {
	f, _ := os.Create("/tmp/seed.prof")
	pprof.StartCPUProfile(f)
	t0 := time.Now()
	_, _, err := seed.Practices(context.Background(), db, seed.Options{Practices: 10000})
	pprof.StopCPUProfile()
	fmt.Println(time.Since(t0), err)
}
