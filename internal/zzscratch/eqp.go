package main

import (
	"context"
	"fmt"
	"os"

	"github.com/passerelle/passerelle/internal/store"
)

func eqp(db *store.DB) {
	ctx := context.Background()
	rows, err := db.Read.QueryContext(ctx, "EXPLAIN QUERY PLAN "+os.Getenv("EQP"))
	if err != nil { panic(err) }
	for rows.Next() {
		var a, b, c int
		var d string
		rows.Scan(&a, &b, &c, &d)
		fmt.Println(a, b, d)
	}
}
