package cli

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"strings"

	"github.com/passerelle/passerelle/internal/config"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/service"
)

// withApp parses flags, opens the application, runs fn and closes it.
func withApp(ctx context.Context, name string, env Env, args []string, define func(fs *flag.FlagSet), check func() error, fn func(a *app) error) error {
	var cfg config.Config
	if err := parse(name, env, args, &cfg, define); err != nil {
		return err
	}
	if check != nil {
		if err := check(); err != nil {
			return err
		}
	}
	a, err := open(ctx, &cfg, env, false)
	if err != nil {
		return err
	}
	defer a.close()
	return fn(a)
}

func runUserAdd(ctx context.Context, env Env, args []string) error {
	var email, name string
	var admin, fromStdin bool
	var password string
	return withApp(ctx, "user add", env, args, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "e-mail address (the login)")
		fs.StringVar(&name, "name", "", "display name")
		fs.BoolVar(&admin, "admin", false, "make the account an administrator")
		fs.BoolVar(&fromStdin, "password-stdin", false, "read the password from standard input (required)")
	}, func() error {
		if err := required(map[string]string{"email": email, "name": name}); err != nil {
			return err
		}
		if !fromStdin {
			return usageError{msg: "missing --password-stdin: the password is read from standard input"}
		}
		line, err := bufio.NewReader(env.Stdin).ReadString('\n')
		if err != nil && line == "" {
			return fmt.Errorf("read password from stdin: no input")
		}
		password = strings.TrimRight(line, "\r\n")
		return nil
	}, func(a *app) error {
		u, err := a.svc.CreateUser(ctx, service.NewUser{Email: email, Name: name, Password: password, Admin: admin})
		if err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "account %s created (id %d)\n", u.Email, u.ID)
		return nil
	})
}

func runUserDisable(ctx context.Context, env Env, args []string) error {
	var email string
	return withApp(ctx, "user disable", env, args, func(fs *flag.FlagSet) {
		fs.StringVar(&email, "email", "", "e-mail address of the account")
	}, func() error { return required(map[string]string{"email": email}) }, func(a *app) error {
		if err := a.svc.DisableUser(ctx, nil, email); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "account %s disabled\n", email)
		return nil
	})
}

func runTerritoryAdd(ctx context.Context, env Env, args []string) error {
	var t passerelle.Territory
	var level string
	return withApp(ctx, "territory add", env, args, func(fs *flag.FlagSet) {
		fs.StringVar(&t.Code, "code", "", "official code (INSEE, SIREN) or a local one")
		fs.StringVar(&t.Name, "name", "", "name")
		fs.StringVar(&level, "level", "", "region, department, epci, commune, qpv or other")
		fs.StringVar(&t.ParentCode, "parent", "", "code of the parent territory")
	}, func() error { return required(map[string]string{"code": t.Code, "name": t.Name, "level": level}) }, func(a *app) error {
		t.Level = passerelle.Level(level)
		if err := a.svc.AddTerritory(ctx, nil, t); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "territory %s created\n", t.Code)
		return nil
	})
}

func runThemeAdd(ctx context.Context, env Env, args []string) error {
	var t passerelle.Theme
	return withApp(ctx, "theme add", env, args, func(fs *flag.FlagSet) {
		fs.StringVar(&t.Slug, "slug", "", "identifier in URLs: lower-case letters, digits and dashes")
		fs.StringVar(&t.Name, "name", "", "name")
	}, func() error { return required(map[string]string{"slug": t.Slug, "name": t.Name}) }, func(a *app) error {
		if err := a.svc.AddTheme(ctx, nil, t); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "theme %s created\n", t.Slug)
		return nil
	})
}

func roleFlags(in *service.GrantInput) func(fs *flag.FlagSet) {
	return func(fs *flag.FlagSet) {
		fs.StringVar(&in.Email, "email", "", "e-mail address of the account")
		fs.StringVar(&in.Role, "role", "", "contributor or moderator")
		fs.StringVar(&in.Territory, "territory", "", "territory code; the role holds on it and everything below")
	}
}

func runRoleGrant(ctx context.Context, env Env, args []string) error {
	var in service.GrantInput
	return withApp(ctx, "role grant", env, args, roleFlags(&in), func() error {
		return required(map[string]string{"email": in.Email, "role": in.Role, "territory": in.Territory})
	}, func(a *app) error {
		if err := a.svc.Grant(ctx, nil, in); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%s is %s on %s and below\n", in.Email, in.Role, in.Territory)
		return nil
	})
}

func runRoleRevoke(ctx context.Context, env Env, args []string) error {
	var in service.GrantInput
	return withApp(ctx, "role revoke", env, args, roleFlags(&in), func() error {
		return required(map[string]string{"email": in.Email, "role": in.Role, "territory": in.Territory})
	}, func(a *app) error {
		if err := a.svc.Revoke(ctx, nil, in); err != nil {
			return err
		}
		fmt.Fprintf(env.Stdout, "%s is no longer %s on %s\n", in.Email, in.Role, in.Territory)
		return nil
	})
}
