// Package bucket opens the store of uploaded files through gocloud.dev/blob:
// a folder of the data directory by default, or any bucket URL gocloud
// knows — s3:// (with S3-compatible servers through endpoint=…), file://,
// mem:// for tests.
package bucket

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"gocloud.dev/blob"
	"gocloud.dev/blob/fileblob"
	_ "gocloud.dev/blob/memblob" // mem:// buckets, for tests
	_ "gocloud.dev/blob/s3blob"  // s3:// buckets, for production
)

// Check checks a bucket URL without leaving anything behind: the default
// folder ("") is fine; any other URL must name a known kind of bucket with
// known options. Opening one makes no network call; it is closed at once.
func Check(ctx context.Context, rawURL string) error {
	if rawURL == "" {
		return nil
	}
	b, err := open(ctx, rawURL)
	if err != nil {
		return err
	}
	return b.Close()
}

// Open opens the attachments bucket: rawURL when given, else the folder
// <dataDir>/attachments, created when missing. Errors name the setting.
func Open(ctx context.Context, rawURL, dataDir string) (*blob.Bucket, error) {
	if rawURL == "" {
		dir := filepath.Join(dataDir, "attachments")
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("create attachments folder: %w", err)
		}
		// Temporary files next to the final ones: the data directory may be
		// on another file system than os.TempDir, where a rename fails.
		b, err := fileblob.OpenBucket(dir, &fileblob.Options{NoTempDir: true, DirFileMode: 0o750})
		if err != nil {
			return nil, fmt.Errorf("open attachments folder: %w", err)
		}
		return b, nil
	}
	return open(ctx, rawURL)
}

func open(ctx context.Context, rawURL string) (*blob.Bucket, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme == "" {
		return nil, fmt.Errorf("bad --attachments-url: expected a bucket URL such as s3://bucket?region=…")
	}
	b, err := blob.OpenBucket(ctx, rawURL)
	if err != nil {
		return nil, fmt.Errorf("bad --attachments-url: %w", err)
	}
	return b, nil
}
