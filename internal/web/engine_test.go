package web_test

import (
	"io"
	"log/slog"
	"os"
	"testing"

	"github.com/passerelle/passerelle/internal/view"
	"github.com/passerelle/passerelle/ui"
)

// newEngine loads the locale files and the templates as the binary does,
// for a test server (web.New), and returns them. With checkKeys, the test
// fails at its end should a page have asked for a key missing from the
// locales.
func newEngine(t *testing.T, checkKeys bool) (*view.Engine, *view.Catalog) {
	t.Helper()
	cat, err := view.LoadCatalog(ui.FS)
	if err != nil {
		t.Fatal(err)
	}
	engine, err := view.New(ui.FS, cat)
	if err != nil {
		t.Fatal(err)
	}
	if checkKeys {
		t.Cleanup(func() {
			if missing := cat.Missing(); len(missing) > 0 {
				t.Errorf("pages asked for keys missing from the locales: %v", missing)
			}
		})
	}
	return engine, cat
}

// quietLogger discards the server's log, but for its warnings and errors
// under -v.
func quietLogger() *slog.Logger {
	if testing.Verbose() {
		return slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: slog.LevelWarn}))
	}
	return slog.New(slog.NewTextHandler(io.Discard, nil))
}
