package e2e

import (
	"context"
	"database/sql"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/testenv"
)

// TestBadSettingsLeaveNothing: a start with a bad mail or bucket setting
// exits non-zero with one line on stderr before anything is created — no
// data directory, no SQLite file, no table in an empty PostgreSQL schema.
func TestBadSettingsLeaveNothing(t *testing.T) {
	t.Parallel()
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		dbURL, dir := testenv.DatabaseURL(t, dialect)
		tests := []struct{ name, flag, value string }{
			{name: "SMTP URL", flag: "--smtp-url", value: "smtpx://mail.example.org"},
			{name: "SMTP port", flag: "--smtp-url", value: "smtp://mail.example.org:abc"},
			{name: "sender", flag: "--mail-from", value: "Passerelle <pas une adresse>"},
			{name: "bucket", flag: "--attachments-url", value: "nope://bucket"},
			{name: "OpenID issuer over http", flag: "--oidc-issuer", value: "http://idp.example.org"},
			{name: "OpenID client without issuer", flag: "--oidc-client-id", value: "passerelle"},
		}
		for _, tc := range tests {
			dataDir := filepath.Join(dir, "never")
			for _, cmd := range [][]string{{"serve", "--addr", "127.0.0.1:0"}, {"worker"}, {"migrate"}} {
				r := runMain(append(cmd, "--data-dir", dataDir, "--database-url", dbURL, tc.flag, tc.value), "")
				if r.code == 0 || strings.Count(strings.TrimSpace(r.stderr), "\n") != 0 || !strings.Contains(r.stderr, tc.flag) {
					t.Errorf("%s, %s: %s", tc.name, cmd[0], r)
				}
				if _, err := os.Stat(dataDir); !os.IsNotExist(err) {
					t.Errorf("%s, %s: the data directory was created", tc.name, cmd[0])
				}
				if dbURL != "" {
					if n := tables(t, dbURL); n != 0 {
						t.Errorf("%s, %s: %d tables created", tc.name, cmd[0], n)
					}
				}
			}
		}
	})
}

// tables counts the tables of the schema dbURL works in.
func tables(t *testing.T, dbURL string) int {
	t.Helper()
	db, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = db.Close() }()
	var n int
	if err := db.QueryRowContext(context.Background(),
		"SELECT count(*) FROM information_schema.tables WHERE table_schema = current_schema()").Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
