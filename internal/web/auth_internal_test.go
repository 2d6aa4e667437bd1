package web

import (
	"net/http/httptest"
	"net/netip"
	"testing"
)

// TestClientAddr: behind trusted proxies the client is the last address of
// X-Forwarded-For that is not a proxy's; what a client writes itself
// further left, or any header from an untrusted peer, is not believed.
func TestClientAddr(t *testing.T) {
	s := &Server{opts: Options{TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32"), netip.MustParsePrefix("10.0.0.0/8")}}}
	for _, tt := range []struct{ name, remote, xff, want string }{
		{"no proxy header", "127.0.0.1:5000", "", "127.0.0.1"},
		{"through the proxy", "127.0.0.1:5000", "203.0.113.5", "203.0.113.5"},
		{"a forged hop on the left is ignored", "127.0.0.1:5000", "198.51.100.1, 203.0.113.5", "203.0.113.5"},
		{"two trusted proxies", "127.0.0.1:5000", "203.0.113.5, 10.1.2.3", "203.0.113.5"},
		{"an untrusted peer's header is ignored", "192.0.2.9:5000", "203.0.113.5", "192.0.2.9"},
		{"garbled header", "127.0.0.1:5000", "203.0.113.5, not-an-ip", "127.0.0.1"},
		{"only proxies", "127.0.0.1:5000", "10.0.0.1", "10.0.0.1"},
		{"IPv6 client", "127.0.0.1:5000", "2001:db8::7", "2001:db8::7"},
		{"IPv4-mapped", "127.0.0.1:5000", "::ffff:203.0.113.5", "203.0.113.5"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest("GET", "/", nil)
			r.RemoteAddr = tt.remote
			if tt.xff != "" {
				r.Header.Set("X-Forwarded-For", tt.xff)
			}
			if got := s.clientAddr(r); got != tt.want {
				t.Errorf("clientAddr = %q, want %q", got, tt.want)
			}
		})
	}
	// Without trusted proxies the header is never read.
	r := httptest.NewRequest("GET", "/", nil)
	r.RemoteAddr = "127.0.0.1:5000"
	r.Header.Set("X-Forwarded-For", "203.0.113.5")
	if got := (&Server{}).clientAddr(r); got != "127.0.0.1" {
		t.Errorf("without trusted proxies: %q", got)
	}
}
