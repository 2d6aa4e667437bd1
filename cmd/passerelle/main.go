// Command passerelle runs the Passerelle platform: the web server, the
// background workers, and the administration commands. See "passerelle help".
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/passerelle/passerelle/internal/cli"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := cli.Main(ctx, os.Args[1:], cli.Env{Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr})
	stop()
	os.Exit(code)
}
