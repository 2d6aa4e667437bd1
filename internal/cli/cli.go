// Package cli is the passerelle command: it parses the command line and the
// environment, wires the packages together and runs one subcommand. It holds
// no rule of its own. End-to-end tests call Main as the binary does.
package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"

	"github.com/passerelle/passerelle/internal/config"
	"github.com/passerelle/passerelle/internal/passerelle"
)

// Env is what a run of the command sees of the outside world.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	// Ready, when set, receives the listening address once serve accepts
	// connections (for tests that start Main on 127.0.0.1:0).
	Ready func(addr string)
	// Handler, when set, wraps serve's HTTP handler (tests install the
	// check of every answer against the OpenAPI document).
	Handler func(http.Handler) http.Handler
}

type command struct {
	name  string
	usage string
	run   func(ctx context.Context, env Env, args []string) error
}

func commands() []command {
	return []command{
		{"serve", "[--demo] [--workers=false]  serve HTTP and run the River workers", runServe},
		{"worker", "  run the River workers only", runWorker},
		{"migrate", "  apply pending migrations and exit", runMigrate},
		{"user add", "--email E --name N [--admin] --password-stdin  create an account", runUserAdd},
		{"user disable", "--email E  disable an account; its sessions and tokens stop at once", runUserDisable},
		{"user enable", "--email E  let a disabled account sign in again", runUserEnable},
		{"territory add", "--code C --name N --level L [--parent P]  create a territory", runTerritoryAdd},
		{"territory import", "FILE.csv  create or update territories from a CSV file (code,name,level,parent_code)", runTerritoryImport},
		{"theme add", "--slug S --name N  create a theme", runThemeAdd},
		{"role grant", "--email E --role R --territory C  grant a role on a territory and below", runRoleGrant},
		{"role revoke", "--email E --role R --territory C  take a role back", runRoleRevoke},
		{"digest", "--frequency daily|weekly  build and send that digest now (the scheduler's job)", runDigest},
		{"seed", "--practices N  add N generated published practices (needs territories, themes, a contributor)", runSeed},
	}
}

// Main runs the passerelle command with args (without the program name) and
// returns the exit status: 0 on success, 1 on error (with a one-line reason
// on stderr), 2 on a usage error.
func Main(ctx context.Context, args []string, env Env) int {
	for _, c := range commands() {
		words := strings.Fields(c.name)
		if len(args) >= len(words) && strings.Join(args[:len(words)], " ") == c.name {
			err := c.run(ctx, env, args[len(words):])
			if errors.Is(err, flag.ErrHelp) {
				return 0
			}
			var usage usageError
			if errors.As(err, &usage) {
				fmt.Fprintf(env.Stderr, "passerelle %s: %s\n", c.name, usage.msg)
				return 2
			}
			if err != nil {
				fmt.Fprintf(env.Stderr, "passerelle %s: %s\n", c.name, describe(err))
				return 1
			}
			return 0
		}
	}
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		printUsage(env.Stdout)
		return 0
	}
	fmt.Fprintf(env.Stderr, "passerelle: unknown command %q (run \"passerelle help\")\n", strings.Join(args, " "))
	return 2
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "Usage: passerelle <command> [flags]")
	fmt.Fprintln(w, "\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-14s %s\n", c.name, c.usage)
	}
	fmt.Fprintln(w, "\nEvery command takes --addr, --data-dir, --database-url, --base-url, --smtp-url, --mail-from")
	fmt.Fprintln(w, "(or PASSERELLE_ADDR, PASSERELLE_DATA_DIR, ... ; flags win). Run a command with -h for its flags.")
}

type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

// describe turns an error into the one line printed on stderr: the safe
// message of a domain error with the fields it names, or the error itself
// folded onto one line (drivers such as pgx report one line per address
// tried).
func describe(err error) string {
	var e *passerelle.Error
	if !errors.As(err, &e) {
		return strings.Join(strings.Fields(err.Error()), " ")
	}
	msg := strings.TrimSuffix(e.Message, ".")
	if len(e.Fields) > 0 {
		var parts []string
		for f, reason := range e.Fields {
			parts = append(parts, f+": "+reason)
		}
		sort.Strings(parts)
		msg += " (" + strings.Join(parts, ", ") + ")"
	}
	return msg
}

// parse parses the flags of a subcommand, shared configuration included.
func parse(name string, env Env, args []string, cfg *config.Config, define func(fs *flag.FlagSet)) error {
	fs := flag.NewFlagSet("passerelle "+name, flag.ContinueOnError)
	// The flag package prints its error and the whole usage on a bad flag;
	// keep that for -h only, so that a usage error is one line on stderr.
	var help strings.Builder
	fs.SetOutput(&help)
	cfg.Register(fs)
	if define != nil {
		define(fs)
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprint(env.Stdout, help.String())
			return err
		}
		return usageError{msg: err.Error() + " (run \"passerelle " + name + " -h\" for the flags)"}
	}
	if fs.NArg() > 0 {
		return usageError{msg: fmt.Sprintf("unexpected argument %q", fs.Arg(0))}
	}
	if err := cfg.Finish(); err != nil {
		return usageError{msg: err.Error()}
	}
	return nil
}

// required checks that the named flags were given a non-empty value.
func required(values map[string]string) error {
	var missing []string
	for name, v := range values {
		if strings.TrimSpace(v) == "" {
			missing = append(missing, "--"+name)
		}
	}
	if len(missing) > 0 {
		sort.Strings(missing)
		return usageError{msg: "missing " + strings.Join(missing, ", ")}
	}
	return nil
}
