package faults

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"
)

// Sample is one request of the load, as the client saw it.
type Sample struct {
	Op         string // read, write, page, health
	Start      time.Time
	Dur        time.Duration
	Status     int    // 0: no answer (Err says why)
	RetryAfter string // the Retry-After header
	Err        string
	ID         int64  // the practice a write created (201)
	Body       string // /healthz answers
}

// End is when the answer came.
func (s Sample) End() time.Time { return s.Start.Add(s.Dur) }

// Log records every request of a scenario.
type Log struct {
	mu      sync.Mutex
	samples []Sample
}

func (l *Log) add(s Sample) {
	l.mu.Lock()
	l.samples = append(l.samples, s)
	l.mu.Unlock()
}

// Samples returns the requests of op (every op when empty) that started in
// [from, to).
func (l *Log) Samples(op string, from, to time.Time) []Sample {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []Sample
	for _, s := range l.samples {
		if (op == "" || s.Op == op) && !s.Start.Before(from) && s.Start.Before(to) {
			out = append(out, s)
		}
	}
	return out
}

// Summary sums up samples.
type Summary struct {
	N              int
	ByStatus       map[string]int // "200", "503", "no answer"
	P50, P99, Max  time.Duration
	RetryAfterSeen bool // every 503 carried Retry-After
}

func summarize(samples []Sample) Summary {
	s := Summary{N: len(samples), ByStatus: map[string]int{}, RetryAfterSeen: true}
	var ds []time.Duration
	for _, x := range samples {
		ds = append(ds, x.Dur)
		key := fmt.Sprint(x.Status)
		if x.Status == 0 {
			key = "no answer"
		}
		s.ByStatus[key]++
		if x.Status == http.StatusServiceUnavailable && x.RetryAfter == "" {
			s.RetryAfterSeen = false
		}
	}
	if len(ds) == 0 {
		return s
	}
	slices.Sort(ds)
	at := func(p float64) time.Duration { return ds[min(len(ds)-1, int(p*float64(len(ds))))] }
	s.P50, s.P99, s.Max = at(0.5), at(0.99), ds[len(ds)-1]
	return s
}

func (s Summary) String() string {
	var keys []string
	for k := range s.ByStatus {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		parts = append(parts, fmt.Sprintf("%s×%d", k, s.ByStatus[k]))
	}
	return fmt.Sprintf("n=%d [%s] p50 %s p99 %s max %s", s.N, strings.Join(parts, " "), ms(s.P50), ms(s.P99), ms(s.Max))
}

func ms(d time.Duration) string {
	if d >= 10*time.Second {
		return fmt.Sprintf("%.1f s", d.Seconds())
	}
	return fmt.Sprintf("%d ms", d.Milliseconds())
}

// Load sends requests to a server from several clients until stopped:
// anonymous list reads, HTML pages and draft creations by the contributor
// (each acknowledged creation logged with its id), and polls /healthz every
// 200 ms from a client of its own.
type Load struct {
	Log     *Log
	base    string
	writer  *api
	reader  *api
	health  *http.Client
	clients int
	body    string
	cancel  context.CancelFunc
	wg      sync.WaitGroup
}

// clientTimeout is how long a client waits for an answer: long enough to
// see a server that hangs.
const clientTimeout = 60 * time.Second

// StartLoad begins the load against base, writing as contributor. body is
// the Markdown body of every draft (large bodies fill a disk faster).
func StartLoad(ctx context.Context, base, contributor string, clients int, body string) (*Load, error) {
	w, err := newAPI(ctx, base, contributor, clientTimeout)
	if err != nil {
		return nil, err
	}
	l := &Load{Log: &Log{}, base: base, writer: w, clients: clients, body: body,
		reader: &api{base: base, client: &http.Client{Timeout: clientTimeout, Transport: &http.Transport{MaxIdleConnsPerHost: 64}}},
		health: &http.Client{Timeout: clientTimeout}}
	ctx, l.cancel = context.WithCancel(ctx)
	for i := range clients {
		l.wg.Add(1)
		go func() {
			defer l.wg.Done()
			for n := 0; ctx.Err() == nil; n++ {
				switch (i + n) % 4 {
				case 0, 1:
					l.read(ctx)
				case 2:
					l.write(ctx, n)
				case 3:
					l.page(ctx)
				}
			}
		}()
	}
	l.wg.Add(1)
	go func() {
		defer l.wg.Done()
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				go l.Health(ctx)
			}
		}
	}()
	return l, nil
}

// Stop ends the load and waits for the requests in flight.
func (l *Load) Stop() {
	l.cancel()
	l.wg.Wait()
}

func (l *Load) record(op string, start time.Time, ans answer, err error, id int64) {
	if err != nil && strings.Contains(err.Error(), "context canceled") {
		return // the load was stopped
	}
	s := Sample{Op: op, Start: start, Dur: time.Since(start), Status: ans.Status, RetryAfter: ans.RetryAfter, ID: id, Body: ans.Body}
	if err != nil {
		s.Err = err.Error()
	}
	l.Log.add(s)
}

func (l *Load) read(ctx context.Context) {
	start := time.Now()
	ans, err := l.reader.do(ctx, http.MethodGet, "/api/v1/practices?territory=59", "", nil)
	l.record("read", start, ans, err, 0)
}

func (l *Load) page(ctx context.Context) {
	start := time.Now()
	ans, err := l.reader.do(ctx, http.MethodGet, "/territoires/59", "", nil)
	l.record("page", start, ans, err, 0)
}

func (l *Load) write(ctx context.Context, n int) {
	body, _ := json.Marshal(map[string]any{"kind": "experience", "title": fmt.Sprintf("Brouillon %d-%d", time.Now().UnixNano(), n),
		"territory": "59350", "body": l.body})
	var out struct {
		ID json.RawMessage `json:"id"`
	}
	start := time.Now()
	ans, err := l.writer.do(ctx, http.MethodPost, "/api/v1/practices", string(body), &out)
	var id int64
	if ans.Status == http.StatusCreated {
		id = parseID(out.ID)
	}
	l.record("write", start, ans, err, id)
}

// Health asks /healthz once and logs the answer.
func (l *Load) Health(ctx context.Context) {
	start := time.Now()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, l.base+"/healthz", nil)
	resp, err := l.health.Do(req)
	if err != nil {
		l.record("health", start, answer{}, err, 0)
		return
	}
	defer resp.Body.Close()
	l.record("health", start, answer{Status: resp.StatusCode, RetryAfter: resp.Header.Get("Retry-After"), Body: strings.TrimSpace(readAll(resp))}, nil, 0)
}

// parseID reads an id sent as a JSON number or string.
func parseID(raw json.RawMessage) int64 {
	var n int64
	if json.Unmarshal(raw, &n) == nil {
		return n
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		_, _ = fmt.Sscan(s, &n)
	}
	return n
}

func decodeJSON(raw []byte, out any) error { return json.Unmarshal(raw, out) }

func readAll(resp *http.Response) string {
	var b strings.Builder
	buf := make([]byte, 4096)
	for b.Len() < 1<<16 {
		n, err := resp.Body.Read(buf)
		b.Write(buf[:n])
		if err != nil {
			break
		}
	}
	return b.String()
}

// errorKinds counts the error answers of samples by operation, status and
// code, with one example each: what the clients were told when things
// failed.
func errorKinds(samples []Sample) []string {
	type key struct {
		op     string
		status int
		code   string
	}
	counts := map[key]int{}
	example := map[key]string{}
	for _, s := range samples {
		if s.Op == "health" || (s.Status != 0 && s.Status < 400) {
			continue
		}
		var body struct {
			Error struct {
				Code, Message string
			} `json:"error"`
		}
		k := key{op: s.Op, status: s.Status}
		if s.Status == 0 {
			k.code = "no answer"
			example[k] = s.Err
		} else if json.Unmarshal([]byte(s.Body), &body) == nil && body.Error.Code != "" {
			k.code = body.Error.Code
			example[k] = body.Error.Message
		} else {
			k.code = "page"
		}
		counts[k]++
	}
	var out []string
	for k, n := range counts {
		out = append(out, fmt.Sprintf("%s %d %s ×%d (%s)", k.op, k.status, k.code, n, example[k]))
	}
	sort.Strings(out)
	return out
}
