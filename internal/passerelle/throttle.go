package passerelle

import (
	"net"
	"net/netip"
	"time"
)

// Password attempts are throttled, never locked (issue 9). Each attempt is
// counted before the password is checked, against the account it names and
// against the address it comes from; past a few failures in a row each key
// waits a delay that doubles with every further failure, up to a ceiling.
// An attacker therefore gets a handful of checks, then one now and then;
// the owner, after the delay, signs in as usual — nobody can keep them out
// for longer than the ceiling, nor lock anyone's account for good. A
// success clears the account's failures.

// Throttle is the rule of one kind of key.
type Throttle struct {
	Free   int           // failures in a row that cost no delay
	First  time.Duration // the delay after the first failure past Free; it doubles after each further one
	Max    time.Duration // the delay never grows past this
	Forget time.Duration // failures older than this are forgotten
}

// The rules of the two keys of a password attempt. An address is more
// lenient than an account: many people may share one (an office, a town
// hall behind one router).
var (
	AccountThrottle = Throttle{Free: 5, First: time.Second, Max: time.Minute, Forget: 15 * time.Minute}
	SourceThrottle  = Throttle{Free: 20, First: time.Second, Max: 5 * time.Minute, Forget: time.Hour}
)

// Delay returns how long the key waits after failures failures in a row.
func (t Throttle) Delay(failures int) time.Duration {
	if failures < t.Free {
		return 0
	}
	d := t.First
	for i := t.Free; i < failures && d < t.Max; i++ {
		d *= 2
	}
	return min(d, t.Max)
}

// Allowed returns how many attempts in a row a key may have checked within
// d, at most, when they come as fast as it lets them: Free at once, then
// one each time the delay runs out.
func (t Throttle) Allowed(d time.Duration) int {
	n, spent := t.Free, time.Duration(0)
	for {
		spent += t.Delay(n)
		if spent > d {
			return n
		}
		n++
	}
}

// AccountKey and SourceKey name the throttled keys of an attempt: the
// account as typed (normalised, whether it exists or not, so that the
// answers do not tell), and the client's address — for IPv6 its /64, which
// one client usually holds whole.
func AccountKey(email string) string { return "account:" + NormalizeEmail(email) }

// SourceKey: see AccountKey. An empty address gives "".
func SourceKey(addr string) string {
	if addr == "" {
		return ""
	}
	if host, _, err := net.SplitHostPort(addr); err == nil {
		addr = host
	}
	ip, err := netip.ParseAddr(addr)
	if err != nil {
		return "source:" + addr
	}
	ip = ip.Unmap()
	if ip.Is6() {
		p, _ := ip.Prefix(64)
		return "source:" + p.String()
	}
	return "source:" + ip.String()
}

// RateLimited is the error of an attempt that must wait; RetryAfter says
// how long.
func RateLimited(wait time.Duration) *Error {
	return &Error{Code: ERateLimited, Message: "Too many attempts; try again later.", RetryAfter: wait}
}
