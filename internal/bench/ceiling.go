package bench

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"
	"unicode"
)

// CeilingSize is the size of the page the bare server answers.
const CeilingSize = 12 << 10

// ceilingPage is a fixed HTML page of CeilingSize bytes.
var ceilingPage = func() []byte {
	var b strings.Builder
	b.WriteString("<!doctype html><html lang=\"fr\"><head><meta charset=\"utf-8\"><title>Plafond</title></head><body>\n")
	for b.Len() < CeilingSize-len("</body></html>\n")-80 {
		b.WriteString("<p>Une pratique partagée dans le réseau, ses partenaires et ses résultats.</p>\n")
	}
	for b.Len() < CeilingSize-len("</body></html>\n") {
		b.WriteByte(' ')
	}
	b.WriteString("</body></html>\n")
	return []byte(b.String())
}()

// startCeiling starts a bare net/http server answering ceilingPage to every
// request: what this machine can serve at best, measured beside the
// application in the same run.
func startCeiling() (base string, stop func(), err error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		_, _ = w.Write(ceilingPage)
	})}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() { _ = srv.Close() }, nil
}

// measureCeiling measures the bare server as a scenario.
func measureCeiling(ctx context.Context, cfg Config, client *http.Client, database string) (Figures, error) {
	base, stop, err := startCeiling()
	if err != nil {
		return Figures{}, err
	}
	defer stop()
	f := Figures{Database: database, Scenario: ceilingScenario}
	f.Single = single(ctx, client, base, []string{"/"}, cfg.Requests)
	f.Concurrent, f.Throughput = concurrent(ctx, client, base, []string{"/"}, cfg.Clients, cfg.Duration)
	return f, nil
}

const ceilingScenario = "CEILING: bare net/http, fixed 12 KB page"

// searchMix builds MixSize distinct searches of one to three words drawn
// from the words of the published practices (titles and summaries of the
// first pages of the list), the commonest words among them, a third with a
// territory or a theme filter. The draw is seeded: every run asks the same
// mix of the same corpus.
func searchMix(ctx context.Context, base string, territories, themes []string) ([]string, error) {
	client := &http.Client{Timeout: 30 * time.Second}
	count := map[string]int{}
	for page := 1; page <= 25; page++ {
		body, err := get(ctx, client, fmt.Sprintf("%s/api/v1/practices?page=%d", base, page))
		if err != nil {
			return nil, err
		}
		var list struct {
			Items []struct{ Title, Summary string } `json:"items"`
		}
		if err := json.Unmarshal(body, &list); err != nil {
			return nil, fmt.Errorf("practices: %w", err)
		}
		for _, it := range list.Items {
			for _, w := range strings.FieldsFunc(strings.ToLower(it.Title+" "+it.Summary), func(r rune) bool { return !unicode.IsLetter(r) }) {
				if len([]rune(w)) >= 4 {
					count[w]++
				}
			}
		}
	}
	words := make([]string, 0, len(count))
	for w := range count {
		words = append(words, w)
	}
	slices.SortFunc(words, func(a, b string) int {
		if count[a] != count[b] {
			return count[b] - count[a]
		}
		return strings.Compare(a, b)
	})
	if len(words) < 50 {
		return nil, fmt.Errorf("only %d distinct words in the corpus", len(words))
	}
	rng := rand.New(rand.NewPCG(12, 2026))
	seen := map[string]bool{}
	var mix []string
	for i := 0; len(mix) < MixSize && i < 100*MixSize; i++ {
		n := 1 + rng.IntN(3)
		var q []string
		for range n {
			if rng.IntN(5) == 0 {
				q = append(q, words[rng.IntN(min(20, len(words)))]) // a very common word
			} else {
				q = append(q, words[rng.IntN(len(words))])
			}
		}
		u := "/api/v1/practices?q=" + url.QueryEscape(strings.Join(q, " "))
		switch rng.IntN(6) {
		case 0:
			u += "&territory=" + url.QueryEscape(territories[rng.IntN(len(territories))])
		case 1:
			u += "&theme=" + url.QueryEscape(themes[rng.IntN(len(themes))])
		}
		if !seen[u] {
			seen[u] = true
			mix = append(mix, u)
		}
	}
	return mix, nil
}

// MixSize is how many distinct searches the search mix holds.
const MixSize = 1000
