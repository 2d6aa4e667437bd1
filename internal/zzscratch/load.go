package main

import (
	"syscall"
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/passerelle/passerelle/internal/store"
)

func load(db *store.DB) {
	ctx := context.Background()
	if os.Getenv("MKIDX") != "" {
		t0 := time.Now()
		if _, err := db.Bun.ExecContext(ctx, `CREATE INDEX IF NOT EXISTS practices_list_idx ON practices (status, published_at DESC, id DESC, territory_code, kind, tool)`); err != nil { panic(err) }
		fmt.Println("index", time.Since(t0))
	}
	for _, q := range []string{
		`SELECT p.id, p.territory_code, p.kind, json_extract(p.tool, '$.format'), CAST(substr(p.published_at, 1, 4) AS INTEGER) FROM practices p WHERE p.status = 'published' ORDER BY p.published_at DESC, p.id DESC`,
		`SELECT pt.practice_id, pt.theme_slug FROM practice_themes pt`,
	} {
		t0 := time.Now()
		c0 := cpu()
		rows, err := db.Read.QueryContext(ctx, q)
		if err != nil { panic(err) }
		cols, _ := rows.Columns()
		vals := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range vals { ptrs[i] = &vals[i] }
		n := 0
		for rows.Next() {
			if err := rows.Scan(ptrs...); err != nil { panic(err) }
			n++
		}
		rows.Close()
		fmt.Println(n, time.Since(t0), cpu()-c0, q)
	}
	for _, q := range []string{
		`SELECT group_concat(p.id || ',' || ifnull(p.territory_code, '') || ',' || p.kind || ',' || ifnull(json_extract(p.tool, '$.format'), '') || ',' || ifnull(substr(p.published_at, 1, 4), ''), char(10) ORDER BY p.published_at DESC, p.id DESC) FROM practices p WHERE p.status = 'published'`,
		`SELECT group_concat(pt.practice_id || ',' || pt.theme_slug, char(10)) FROM practice_themes pt`,
	} {
		t0 := time.Now()
		var s string
		if err := db.Read.QueryRowContext(ctx, q).Scan(&s); err != nil { panic(err) }
		n := strings.Count(s, "\n")
		fmt.Println("packed", n, len(s), time.Since(t0))
		rows, _ := db.Read.QueryContext(ctx, "EXPLAIN QUERY PLAN "+q)
		for rows.Next() { var a, b, c int; var d string; rows.Scan(&a, &b, &c, &d); fmt.Println("   ", d) }
		rows.Close()
	}
}

func cpu() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}
