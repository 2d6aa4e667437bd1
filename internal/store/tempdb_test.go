package store_test

import (
	"context"
	"database/sql"
	"os"
	"testing"

	"github.com/passerelle/passerelle/internal/store"
	"github.com/passerelle/passerelle/internal/testenv"
)

// TempDatabase gives the benchmark and the fault suite a database of their
// own, empty, that drop removes.
func TestTempDatabase(t *testing.T) {
	admin := os.Getenv(testenv.PostgresURLVar)
	if admin == "" {
		testenv.Dialects(t) // says loudly that PostgreSQL is skipped
		t.Skip("no PostgreSQL server")
	}
	ctx := context.Background()
	u, drop, err := store.TempDatabase(ctx, admin, "passerelle_test")
	if err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("pgx", u)
	if err != nil {
		t.Fatal(err)
	}
	var name string
	var tables int
	if err := db.QueryRowContext(ctx, "SELECT current_database(), (SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public')").Scan(&name, &tables); err != nil {
		t.Fatal(err)
	}
	if tables != 0 {
		t.Errorf("%s has %d tables, want an empty database", name, tables)
	}
	drop() // with the connection still open
	var n int
	if err := db.QueryRowContext(ctx, "SELECT 1").Scan(&n); err == nil {
		t.Errorf("%s still answers after drop", name)
	}
	_ = db.Close()
	if _, _, err := store.TempDatabase(ctx, "", "x"); err == nil {
		t.Error("an empty server URL is accepted")
	}
}
