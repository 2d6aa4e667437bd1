package passerelle

import (
	"testing"
	"time"
)

func TestThrottleDelay(t *testing.T) {
	th := Throttle{Free: 5, First: time.Second, Max: time.Minute}
	for _, tt := range []struct {
		failures int
		want     time.Duration
	}{{0, 0}, {1, 0}, {4, 0}, {5, time.Second}, {6, 2 * time.Second}, {7, 4 * time.Second}, {10, 32 * time.Second},
		{11, time.Minute}, {12, time.Minute}, {1000, time.Minute}} {
		if got := th.Delay(tt.failures); got != tt.want {
			t.Errorf("Delay(%d) = %s, want %s", tt.failures, got, tt.want)
		}
	}
}

func TestThrottleAllowed(t *testing.T) {
	th := Throttle{Free: 5, First: time.Second, Max: time.Minute}
	for _, tt := range []struct {
		d    time.Duration
		want int
	}{{0, 5}, {999 * time.Millisecond, 5}, {time.Second, 6}, {3 * time.Second, 7}, {7 * time.Second, 8}, {time.Hour, 5 + 6 + 58}} {
		if got := th.Allowed(tt.d); got != tt.want {
			t.Errorf("Allowed(%s) = %d, want %d", tt.d, got, tt.want)
		}
	}
}

func TestSourceKey(t *testing.T) {
	for _, tt := range []struct{ addr, want string }{
		{"", ""},
		{"192.0.2.7:4242", "source:192.0.2.7"},
		{"192.0.2.7", "source:192.0.2.7"},
		{"[2001:db8:1:2:3:4:5:6]:443", "source:2001:db8:1:2::/64"},
		{"[::ffff:192.0.2.7]:80", "source:192.0.2.7"},
		{"not an address", "source:not an address"},
	} {
		if got := SourceKey(tt.addr); got != tt.want {
			t.Errorf("SourceKey(%q) = %q, want %q", tt.addr, got, tt.want)
		}
	}
	if AccountKey("  Nora@Example.ORG ") != "account:nora@example.org" {
		t.Errorf("AccountKey = %q", AccountKey("  Nora@Example.ORG "))
	}
}
