package e2e

import (
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime/debug"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/passerelle/passerelle/internal/demo"
	"github.com/passerelle/passerelle/internal/testenv"
)

// binDir holds the passerelle binary built for this test run.
var binDir string

func TestMain(m *testing.M) {
	code := m.Run()
	if binDir != "" {
		_ = os.RemoveAll(binDir)
	}
	os.Exit(code)
}

var build struct {
	once sync.Once
	path string
	err  error
}

// raceEnabled reports whether this test binary runs with the race
// detector; the passerelle binary is then built with it too, which reuses
// the packages the test already compiled and catches races in shutdown.
func raceEnabled() bool {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return false
	}
	for _, s := range info.Settings {
		if s.Key == "-race" {
			return s.Value == "true"
		}
	}
	return false
}

// passerelleBinary builds ./cmd/passerelle once per test run.
func passerelleBinary(t *testing.T) string {
	t.Helper()
	build.once.Do(func() {
		root, err := filepath.Abs(filepath.Join("..", ".."))
		if err != nil {
			build.err = err
			return
		}
		if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
			build.err = fmt.Errorf("module root not found from %s: %w", root, err)
			return
		}
		if binDir, err = os.MkdirTemp("", "passerelle-e2e-"); err != nil {
			build.err = err
			return
		}
		path := filepath.Join(binDir, "passerelle")
		args := []string{"build", "-o", path}
		if raceEnabled() {
			args = append(args, "-race")
		}
		cmd := exec.Command("go", append(args, "./cmd/passerelle")...)
		cmd.Dir = root
		if out, err := cmd.CombinedOutput(); err != nil {
			build.err = fmt.Errorf("go build: %v\n%s", err, out)
			return
		}
		build.path = path
	})
	if build.err != nil {
		t.Fatal(build.err)
	}
	return build.path
}

// process is a running passerelle binary.
type process struct {
	t      *testing.T
	cmd    *exec.Cmd
	stdout *syncBuffer
	stderr *syncBuffer
	done   chan struct{}
	base   string
}

var runningAt = regexp.MustCompile(`running at (http://\S+)`)

// startServe starts "passerelle serve" on a free port of 127.0.0.1 and waits
// until /healthz answers.
func startServe(t *testing.T, bin string, s *site, extra ...string) *process {
	t.Helper()
	args := append([]string{"serve", "--addr", "127.0.0.1:0"}, extra...)
	p := &process{t: t, cmd: exec.Command(bin, append(args, s.flags()...)...), stdout: &syncBuffer{}, stderr: &syncBuffer{}, done: make(chan struct{})}
	p.cmd.Stdout, p.cmd.Stderr = p.stdout, p.stderr
	p.cmd.Env = append(os.Environ(), "GORACE=halt_on_error=1")
	if err := p.cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() {
		_ = p.cmd.Wait()
		close(p.done)
	}()
	t.Cleanup(func() {
		select {
		case <-p.done:
		default:
			_ = p.cmd.Process.Kill()
			<-p.done
		}
	})

	deadline := time.Now().Add(90 * time.Second)
	client := &http.Client{Timeout: 2 * time.Second}
	for {
		select {
		case <-p.done:
			t.Fatalf("serve exited with %d before answering\nstdout: %s\nstderr: %s", p.cmd.ProcessState.ExitCode(), p.stdout, p.stderr)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatalf("serve not healthy after 90 s\nstdout: %s\nstderr: %s", p.stdout, p.stderr)
		}
		if p.base == "" {
			if m := runningAt.FindStringSubmatch(p.stdout.String()); m != nil {
				p.base = m[1]
			}
		}
		if p.base != "" {
			if res, err := client.Get(p.base + "/healthz"); err == nil {
				res.Body.Close()
				if res.StatusCode == http.StatusOK {
					return p
				}
			}
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop sends sig and checks that the process exits with 0 within 10 s.
func (p *process) stop(sig syscall.Signal) {
	p.t.Helper()
	if err := p.cmd.Process.Signal(sig); err != nil {
		p.t.Fatal(err)
	}
	start := time.Now()
	select {
	case <-p.done:
		if code := p.cmd.ProcessState.ExitCode(); code != 0 {
			p.t.Errorf("exit code %d after %s, want 0\nstderr: %s", code, sig, p.stderr)
		}
		p.t.Logf("stopped by %s in %s", sig, time.Since(start).Round(time.Millisecond))
	case <-time.After(10 * time.Second):
		p.t.Errorf("still running 10 s after %s\nstderr: %s", sig, p.stderr)
	}
}

// inventory counts what the demo data set puts in the database, as a reader
// and an administrator see it over the API.
type inventory struct{ published, territories, themes, users int }

func (p *process) inventory() inventory {
	p.t.Helper()
	var inv inventory
	get := func(path, token string, out any) {
		req, _ := http.NewRequest(http.MethodGet, p.base+path, nil)
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			p.t.Fatal(err)
		}
		defer res.Body.Close()
		if res.StatusCode != http.StatusOK {
			p.t.Fatalf("GET %s: %d", path, res.StatusCode)
		}
		if err := json.NewDecoder(res.Body).Decode(out); err != nil {
			p.t.Fatal(err)
		}
	}
	var list struct {
		Total int `json:"total"`
	}
	get("/api/v1/practices", "", &list)
	inv.published = list.Total
	var items struct {
		Items []json.RawMessage `json:"items"`
	}
	get("/api/v1/territories", "", &items)
	inv.territories = len(items.Items)
	get("/api/v1/themes", "", &items)
	inv.themes = len(items.Items)

	var admin string
	for _, a := range demo.Logins() {
		if a.Admin {
			admin = a.Email
			break
		}
	}
	c := &client{t: p.t, base: p.base, http: http.DefaultClient}
	var tok struct {
		Token string `json:"token"`
	}
	c.do(http.MethodPost, "/api/v1/tokens", map[string]string{"email": admin, "password": demo.DemoPassword}).ok(http.StatusCreated, &tok)
	get("/api/v1/users", tok.Token, &items)
	inv.users = len(items.Items)
	return inv
}

// TestServeDemoStopsCleanly runs the real binary: "serve --demo" loads the
// demo data, stops on SIGTERM with exit 0 within 10 s, and on restart finds
// its data again without loading it twice; SIGINT stops it as well.
func TestServeDemoStopsCleanly(t *testing.T) {
	t.Parallel()
	bin := passerelleBinary(t)
	testenv.EachDialect(t, func(t *testing.T, dialect string) {
		s := newSite(t, dialect)

		first := startServe(t, bin, s, "--demo")
		before := first.inventory()
		want := inventory{territories: len(demo.TerritoryCodes()), themes: len(demo.Themes), users: len(demo.Accounts)}
		for _, p := range demo.Practices {
			if p.Status == "published" {
				want.published++
			}
		}
		if before != want {
			t.Errorf("after serve --demo: %+v, want %+v", before, want)
		}
		first.stop(syscall.SIGTERM)

		second := startServe(t, bin, s, "--demo")
		if after := second.inventory(); after != before {
			t.Errorf("after a restart with --demo: %+v, want %+v as before", after, before)
		}
		if !regexp.MustCompile(`demo data not loaded`).MatchString(second.stderr.String()) {
			t.Errorf("the second serve --demo does not say it left the data alone; stderr: %s", second.stderr)
		}
		second.stop(syscall.SIGINT)
	})
}
