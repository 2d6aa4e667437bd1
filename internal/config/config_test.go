package config

import (
	"flag"
	"io"
	"testing"
	"time"
)

func TestParseSize(t *testing.T) {
	tests := []struct {
		in   string
		want int64
		ok   bool
	}{
		{"20MB", 20 << 20, true},
		{"20 mb", 20 << 20, true},
		{"512KB", 512 << 10, true},
		{"1G", 1 << 30, true},
		{"1048576", 1 << 20, true},
		{"100B", 100, true},
		{"", 0, false},
		{"MB", 0, false},
		{"-1MB", 0, false},
		{"1.5MB", 0, false},
		{"99999999999GB", 0, false},
	}
	for _, tt := range tests {
		got, err := ParseSize(tt.in)
		if (err == nil) != tt.ok || got != tt.want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d (ok %t)", tt.in, got, err, tt.want, tt.ok)
		}
	}
}

func TestReviewSettings(t *testing.T) {
	parse := func(args ...string) (*Config, error) {
		var c Config
		fs := flag.NewFlagSet("test", flag.ContinueOnError)
		fs.SetOutput(io.Discard)
		c.Register(fs)
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		return &c, c.Finish()
	}
	c, err := parse()
	if err != nil || c.MaxAttachmentSize != 20<<20 || c.ClaimTTL != 48*time.Hour || c.AttachmentsURL != "" {
		t.Fatalf("defaults: %+v, %v", c, err)
	}
	c, err = parse("--max-attachment-size", "5MB", "--claim-ttl", "90m", "--attachments-url", "s3://bucket?region=eu-west-3")
	if err != nil || c.MaxAttachmentSize != 5<<20 || c.ClaimTTL != 90*time.Minute {
		t.Fatalf("given: %+v, %v", c, err)
	}
	for _, args := range [][]string{
		{"--max-attachment-size", "lots"},
		{"--max-attachment-size", "0"},
		{"--claim-ttl", "2d"},
		{"--claim-ttl", "10s"},
		{"--attachments-url", "no scheme"},
	} {
		if _, err := parse(args...); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}
