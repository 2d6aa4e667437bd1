package main

import (
	"context"
	"fmt"
	"time"

	"github.com/passerelle/passerelle/internal/store"
)

func fts(db *store.DB) {
	ctx := context.Background()
	for _, q := range []string{
		`SELECT length(group_concat(rowid)) FROM practice_search WHERE practice_search MATCH '"quarti"'`,
		`SELECT length(group_concat(rowid)) FROM practice_search WHERE practice_search MATCH '"egalit"'`,
		`WITH s AS MATERIALIZED (SELECT rowid AS id, bm25(practice_search, 10.0, 4.0, 1.0) AS score FROM practice_search WHERE practice_search MATCH '"egalit"' AND rowid >= 90000) SELECT length(group_concat(id || ':' || score)) FROM s`,
		`WITH s AS MATERIALIZED (SELECT rowid AS id, bm25(practice_search, 10.0, 4.0, 1.0) AS score FROM practice_search WHERE practice_search MATCH '"egalit"' AND rowid >= 90000) SELECT count(*) FROM s`,
		`SELECT count(*) FROM practice_search WHERE practice_search MATCH '"egalit"' AND rowid >= 90000`,
	} {
		for i := 0; i < 3; i++ {
			t0 := time.Now()
			var n int
			if err := db.Read.QueryRowContext(ctx, q).Scan(&n); err != nil {
				panic(err)
			}
			if i == 2 {
				fmt.Printf("%8.1fms n=%d %s\n", float64(time.Since(t0).Microseconds())/1000, n, q)
			}
		}
	}
}
