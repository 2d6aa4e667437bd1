package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"net/url"
	"os"
)

// TempDatabase creates an empty database named prefix_<random> on the
// PostgreSQL server of adminURL, for a benchmark or a fault run that needs a
// whole database of its own (several processes, a server restart). It
// returns the new database's URL (adminURL's, without a search_path) and a
// function that drops it, closing whatever is still connected.
func TempDatabase(ctx context.Context, adminURL, prefix string) (databaseURL string, drop func(), err error) {
	if adminURL == "" {
		return "", nil, errors.New("no PostgreSQL server URL")
	}
	u, err := url.Parse(adminURL)
	if err != nil {
		return "", nil, fmt.Errorf("bad database URL: %w", err)
	}
	admin, err := sql.Open("pgx", adminURL)
	if err != nil {
		return "", nil, err
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := prefix + "_" + hex.EncodeToString(b)
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		return "", nil, errors.Join(fmt.Errorf("create database on %s: %w", u.Redacted(), err), admin.Close())
	}
	u.Path = "/" + name
	q := u.Query()
	q.Del("search_path")
	u.RawQuery = q.Encode()
	drop = func() {
		defer func() { _ = admin.Close() }()
		if _, err := admin.ExecContext(context.Background(), "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			fmt.Fprintf(os.Stderr, "drop database %s: %v\n", name, err)
		}
	}
	return u.String(), drop, nil
}
