package config

import (
	"flag"
	"io"
	"strings"
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
	c, err := parseArgs()
	if err != nil || c.MaxAttachmentSize != 20<<20 || c.AttachmentQuota != 500<<20 || c.ClaimTTL != 48*time.Hour || c.AttachmentsURL != "" {
		t.Fatalf("defaults: %+v, %v", c, err)
	}
	if c, err := parseArgs("--trusted-proxies", " 127.0.0.1, 10.1.0.0/16 ,::1"); err != nil || len(c.TrustedProxies) != 3 ||
		c.TrustedProxies[1].String() != "10.1.0.0/16" || c.TrustedProxies[2].String() != "::1/128" {
		t.Errorf("trusted proxies: %v, %v", c, err)
	}
	c, err = parseArgs("--max-attachment-size", "5MB", "--attachment-quota", "2GB", "--claim-ttl", "90m", "--attachments-url", "s3://bucket?region=eu-west-3")
	if err != nil || c.MaxAttachmentSize != 5<<20 || c.AttachmentQuota != 2<<30 || c.ClaimTTL != 90*time.Minute {
		t.Fatalf("given: %+v, %v", c, err)
	}
	for _, args := range [][]string{
		{"--max-attachment-size", "lots"},
		{"--max-attachment-size", "0"},
		{"--trusted-proxies", "nope"},
		{"--trusted-proxies", "10.0.0.0/33"},
		{"--attachment-quota", "0"},
		{"--attachment-quota", "beaucoup"},
		{"--claim-ttl", "2d"},
		{"--claim-ttl", "10s"},
		{"--attachments-url", "no scheme"},
	} {
		if _, err := parseArgs(args...); err == nil {
			t.Errorf("%v accepted", args)
		}
	}
}

// TestFaultSettings: deadlines, admission and workers, their defaults and
// the values refused, each naming its flag.
func TestFaultSettings(t *testing.T) {
	c, err := parseArgs()
	if err != nil || c.RequestTimeout != 15*time.Second || c.LongRequestTimeout != 5*time.Minute || c.MaxRequests != 64 ||
		c.JobWorkers != 0 || c.MailWorkers != 8 {
		t.Fatalf("defaults: %+v, %v", c, err)
	}
	c, err = parseArgs("--request-timeout", "30s", "--long-request-timeout", "10m", "--max-requests", "200", "--job-workers", "6", "--mail-workers", "16")
	if err != nil || c.RequestTimeout != 30*time.Second || c.LongRequestTimeout != 10*time.Minute || c.MaxRequests != 200 ||
		c.JobWorkers != 6 || c.MailWorkers != 16 {
		t.Fatalf("given: %+v, %v", c, err)
	}
	tests := []struct {
		name string
		args []string
		flag string
	}{
		{name: "no unit", args: []string{"--request-timeout", "15"}, flag: "--request-timeout"},
		{name: "too short", args: []string{"--request-timeout", "10ms"}, flag: "--request-timeout"},
		{name: "long shorter than short", args: []string{"--request-timeout", "1m", "--long-request-timeout", "30s"}, flag: "--long-request-timeout"},
		{name: "no request at all", args: []string{"--max-requests", "0"}, flag: "--max-requests"},
		{name: "negative workers", args: []string{"--job-workers", "-1"}, flag: "--job-workers"},
		{name: "no mail worker", args: []string{"--mail-workers", "0"}, flag: "--mail-workers"},
		{name: "words", args: []string{"--mail-workers", "many"}, flag: "--mail-workers"},
	}
	for _, tc := range tests {
		if _, err := parseArgs(tc.args...); err == nil || !strings.Contains(err.Error(), tc.flag) {
			t.Errorf("%s: %v, want an error naming %s", tc.name, err, tc.flag)
		}
	}
}

// parseArgs registers the settings on a flag set, parses args and checks
// them, as the binary does.
func parseArgs(args ...string) (*Config, error) {
	var c Config
	fs := flag.NewFlagSet("test", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	c.Register(fs)
	if err := fs.Parse(args); err != nil {
		return nil, err
	}
	return &c, c.Finish()
}
