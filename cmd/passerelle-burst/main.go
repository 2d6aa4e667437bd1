// Command passerelle-burst sends a burst of wrong passwords for one account
// to a running passerelle, all at once, and reports what the server did with
// them: how many passwords it checked (401), how many it refused without
// checking (429, 503), the server's peak memory when its process id is given,
// and how long the real owner, from another address, then waits before
// signing in. It measures issue 9's "no one can wear the service down" on the
// real binary; see the README's security section.
//
//	passerelle-burst --url http://127.0.0.1:8080 --email admin@… --password 'the right one' --pid 1234
//
// The burst comes from --from and the owner from --owner-from: two loopback
// addresses (the whole of 127.0.0.0/8 reaches the server on Linux), so that
// the server sees two clients.
package main

import (
	"bytes"
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "base URL of the running server")
	email := flag.String("email", "", "the account attacked")
	password := flag.String("password", "", "the account's real password (the owner's attempt after the burst)")
	n := flag.Int("n", 200, "wrong passwords sent at once")
	from := flag.String("from", "127.0.0.1", "local address of the burst")
	ownerFrom := flag.String("owner-from", "127.0.0.2", "local address of the owner")
	pid := flag.Int("pid", 0, "server process id, to read its peak memory (VmHWM) from /proc")
	route := flag.String("route", "api", "api (POST /api/v1/tokens) or form (POST /login)")
	maxWait := flag.Duration("owner-max-wait", 10*time.Minute, "give up on the owner after this long")
	flag.Parse()
	if *email == "" {
		fmt.Fprintln(os.Stderr, "passerelle-burst: --email is required")
		os.Exit(2)
	}
	before := peakRSS(*pid)
	attacker := client(*from)
	statuses := map[int]int{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	start := make(chan struct{})
	retryAfters := []int{}
	for i := range *n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			status, retry, err := attempt(attacker, *base, *route, *email, fmt.Sprintf("wrong-password-%04d", i))
			mu.Lock()
			defer mu.Unlock()
			if err != nil {
				statuses[-1]++
				return
			}
			statuses[status]++
			if retry > 0 {
				retryAfters = append(retryAfters, retry)
			}
		}()
	}
	t0 := time.Now()
	close(start)
	wg.Wait()
	burst := time.Since(t0)
	after := peakRSS(*pid)

	fmt.Printf("burst: %d wrong passwords for %s from %s in %s\n", *n, *email, *from, burst.Round(time.Millisecond))
	codes := make([]int, 0, len(statuses))
	for c := range statuses {
		codes = append(codes, c)
	}
	sort.Ints(codes)
	for _, c := range codes {
		label := map[int]string{-1: "transport error", 401: "checked and refused", 429: "throttled, not checked",
			503: "busy, not checked", 200: "signed in (form)", 303: "signed in (form)"}[c]
		fmt.Printf("  %4d  %-24s %d\n", c, label, statuses[c])
	}
	if len(retryAfters) > 0 {
		sort.Ints(retryAfters)
		fmt.Printf("  Retry-After: %ds to %ds\n", retryAfters[0], retryAfters[len(retryAfters)-1])
	}
	if *pid != 0 {
		fmt.Printf("server peak RSS (VmHWM): %s before, %s after the burst\n", mib(before), mib(after))
	}
	if *password == "" {
		return
	}
	owner := client(*ownerFrom)
	t1 := time.Now()
	for tries := 1; ; tries++ {
		status, retry, err := attempt(owner, *base, *route, *email, *password)
		if err != nil {
			fmt.Fprintln(os.Stderr, "passerelle-burst: owner:", err)
			os.Exit(1)
		}
		if status == http.StatusCreated || status == http.StatusSeeOther {
			fmt.Printf("owner from %s: signed in after %s (%d attempt(s))\n", *ownerFrom, time.Since(t1).Round(time.Millisecond), tries)
			return
		}
		if (status != http.StatusTooManyRequests && status != http.StatusServiceUnavailable) || time.Since(t1) > *maxWait {
			fmt.Printf("owner from %s: refused with %d after %s (%d attempt(s))\n", *ownerFrom, status, time.Since(t1).Round(time.Millisecond), tries)
			os.Exit(1)
		}
		if retry < 1 {
			retry = 1
		}
		fmt.Printf("  owner: %d, Retry-After %ds\n", status, retry)
		time.Sleep(time.Duration(retry) * time.Second)
	}
}

// client returns an HTTP client whose connections leave from the local
// address addr, and which does not follow redirects (a 303 is a sign-in).
func client(addr string) *http.Client {
	d := &net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(addr)}, Timeout: 10 * time.Second}
	return &http.Client{
		Timeout: 2 * time.Minute,
		Transport: &http.Transport{DialContext: func(ctx context.Context, network, a string) (net.Conn, error) {
			return d.DialContext(ctx, network, a)
		}, MaxIdleConnsPerHost: 1000},
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}
}

// attempt signs in once and returns the status and the Retry-After seconds.
func attempt(c *http.Client, base, route, email, password string) (int, int, error) {
	var req *http.Request
	var err error
	if route == "form" {
		form := "email=" + urlEscape(email) + "&password=" + urlEscape(password)
		req, err = http.NewRequest(http.MethodPost, base+"/login", strings.NewReader(form))
		if err == nil {
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		}
	} else {
		body, _ := json.Marshal(map[string]string{"email": email, "password": password})
		req, err = http.NewRequest(http.MethodPost, base+"/api/v1/tokens", bytes.NewReader(body))
		if err == nil {
			req.Header.Set("Content-Type", "application/json")
		}
	}
	if err != nil {
		return 0, 0, err
	}
	resp, err := c.Do(req)
	if err != nil {
		return 0, 0, err
	}
	defer resp.Body.Close()
	retry, _ := strconv.Atoi(resp.Header.Get("Retry-After"))
	return resp.StatusCode, retry, nil
}

func urlEscape(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_' {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// peakRSS returns the peak resident memory of process pid in bytes, or 0.
func peakRSS(pid int) int64 {
	if pid == 0 {
		return 0
	}
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(v), " kB"), 10, 64)
			return kb * 1024
		}
	}
	return 0
}

func mib(b int64) string { return fmt.Sprintf("%.0f MiB", float64(b)/(1<<20)) }
