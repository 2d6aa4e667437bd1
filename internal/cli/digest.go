package cli

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"

	"github.com/passerelle/passerelle/internal/config"
	"github.com/passerelle/passerelle/internal/jobs"
)

// runDigest queues the digest job of a frequency — the one the scheduler
// queues at the configured hour — and works the queue until it and the
// e-mails it queued are done (another running process may work them too:
// River hands each job to one worker only).
func runDigest(ctx context.Context, env Env, args []string) error {
	var cfg config.Config
	var frequency string
	err := parse("digest", env, args, &cfg, func(fs *flag.FlagSet) {
		fs.StringVar(&frequency, "frequency", "", "daily or weekly")
	})
	if err != nil {
		return err
	}
	if frequency != "daily" && frequency != "weekly" {
		return usageError{msg: fmt.Sprintf("bad --frequency %q: expected daily or weekly", frequency)}
	}
	a, err := open(ctx, &cfg, env, true)
	if err != nil {
		return err
	}
	defer a.close()
	res, err := a.river.Insert(ctx, jobs.DigestArgs{Frequency: frequency, Slot: "manual " + time.Now().UTC().Format(time.RFC3339Nano)}, nil)
	if err != nil {
		return fmt.Errorf("queue the digest: %w", err)
	}
	if err := a.river.Start(context.WithoutCancel(ctx)); err != nil {
		return fmt.Errorf("start River: %w", err)
	}
	defer func() { _ = shutdown(a, nil, cfg.ShutdownTimeout, true) }()

	wait, cancel := context.WithTimeout(ctx, 2*time.Minute)
	defer cancel()
	job, err := waitFinalized(wait, a.river, res.Job.ID)
	if err != nil {
		return err
	}
	if job.State != rivertype.JobStateCompleted {
		return fmt.Errorf("the digest job ended %s: %v", job.State, job.Errors)
	}
	// The digest job queued one send_digest job per subscriber with news;
	// wait until none is left to run now (a failing SMTP server leaves them
	// to River's retries).
	for {
		list, err := a.river.JobList(wait, river.NewJobListParams().Kinds(jobs.SendDigestArgs{}.Kind()).
			States(rivertype.JobStateAvailable, rivertype.JobStateRunning).First(1))
		if err != nil {
			return err
		}
		if len(list.Jobs) == 0 {
			break
		}
		select {
		case <-wait.Done():
			return fmt.Errorf("digest e-mails still queued after 2 minutes: the workers will send them")
		case <-time.After(200 * time.Millisecond):
		}
	}
	fmt.Fprintf(env.Stdout, "%s digest done\n", frequency)
	return nil
}

func waitFinalized(ctx context.Context, c *river.Client[*sql.Tx], id int64) (*rivertype.JobRow, error) {
	for {
		job, err := c.JobGet(ctx, id)
		if err != nil {
			return nil, err
		}
		if job.FinalizedAt != nil {
			return job, nil
		}
		select {
		case <-ctx.Done():
			return nil, fmt.Errorf("the digest job did not finish in time (state %s)", job.State)
		case <-time.After(100 * time.Millisecond):
		}
	}
}
