package bucket_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/passerelle/passerelle/internal/bucket"
)

func TestOpen(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	b, err := bucket.Open(ctx, "", dir)
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = b.Close() }()
	if err := b.WriteAll(ctx, "practices/1/abc", []byte("contenu"), nil); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "attachments", "practices", "1", "abc")); err != nil {
		t.Errorf("the default bucket is not the attachments folder of the data dir: %v", err)
	}

	m, err := bucket.Open(ctx, "mem://", dir)
	if err != nil {
		t.Fatal(err)
	}
	_ = m.Close()

	for _, bad := range []string{"not a url", "ftp://example.org/bucket"} {
		if _, err := bucket.Open(ctx, bad, dir); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}
