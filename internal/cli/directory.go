package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/passerelle/passerelle/internal/config"
	"github.com/passerelle/passerelle/internal/passerelle"
)

func runUserEnable(ctx context.Context, env Env, args []string) error {
	var email string
	return withApp(ctx, "user enable", env, args, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "e-mail address of the account")
	}, func() error { return required(map[string]string{"email": email}) }, func(a *app) error {
		if err := a.svc.EnableUser(ctx, nil, email); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "account %s enabled\n", email)
		return nil
	})
}

// runTerritoryImport imports a territory reference file: the whole file is
// checked before anything changes, and a fault is reported with its line.
func runTerritoryImport(ctx context.Context, env Env, args []string) error {
	files, rest, err := positional(args, func(fs *flag.FlagSet) {})
	if err != nil {
		return err
	}
	var file string
	return withApp(ctx, "territory import", env, rest, func(fs *flag.FlagSet) {
		fs.StringVar(&file, "file", "", "the CSV file (or give it as the argument)")
	}, func() error {
		if file == "" && len(files) == 1 {
			file = files[0]
		}
		if file == "" || len(files) > 1 || (len(files) == 1 && files[0] != file) {
			return usageError{msg: "expected one CSV file: passerelle territory import FILE.csv (columns code,name,level,parent_code)"}
		}
		return nil
	}, func(a *app) error {
		var r io.Reader
		if file == "-" {
			r = env.Stdin
		} else {
			f, err := os.Open(file) //nolint:gosec // G304: the operator names the file on the command line
			if err != nil {
				return fmt.Errorf("open %s: %w", file, errors.Unwrap(err))
			}
			defer func() { _ = f.Close() }()
			r = f
		}
		res, err := a.svc.ImportTerritories(ctx, nil, filepath.Base(file), r)
		var ie *passerelle.ImportError
		if errors.As(err, &ie) {
			return fmt.Errorf("%s: %s; nothing was imported", file, ie.Error())
		} else if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "territories imported from %s: %d created, %d updated, %d unchanged\n",
			file, res.Created, res.Updated, res.Unchanged)
		return nil
	})
}

// positional separates the arguments that are not flags (nor flag values)
// from the flags, wherever they stand, so that "import FILE --data-dir D"
// and "import --data-dir D FILE" both work.
func positional(args []string, define func(fs *flag.FlagSet)) (pos, flags []string, err error) {
	fs := flag.NewFlagSet("scan", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	var cfg config.Config
	cfg.Register(fs)
	fs.String("file", "", "")
	define(fs)
	rest := args
	for {
		if err := fs.Parse(rest); err != nil {
			return nil, args, nil // let the real parse report it
		}
		consumed := len(rest) - fs.NArg()
		flags = append(flags, rest[:consumed]...)
		if fs.NArg() == 0 {
			return pos, flags, nil
		}
		if consumed > 0 && rest[consumed-1] == "--" {
			return append(pos, fs.Args()...), flags[:len(flags)-1], nil
		}
		pos = append(pos, fs.Arg(0))
		rest = fs.Args()[1:]
	}
}
