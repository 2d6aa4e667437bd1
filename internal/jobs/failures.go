package jobs

import (
	"context"
	"log/slog"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/rivertype"
)

// failureLogger logs every job error, and as an error the last attempt of a
// job, which River then discards: a permanent failure (an e-mail that never
// went out) shows in the log as well as in the job dashboard's discarded
// jobs.
type failureLogger struct{ logger *slog.Logger }

func (h failureLogger) log(ctx context.Context, job *rivertype.JobRow, msg string, attrs ...any) {
	attrs = append(attrs, slog.String("kind", job.Kind), slog.Int64("job_id", job.ID), slog.Int("attempt", job.Attempt),
		slog.Int("max_attempts", job.MaxAttempts), slog.String("args", string(job.EncodedArgs)))
	if job.Attempt >= job.MaxAttempts {
		h.logger.ErrorContext(ctx, "job failed for good and was discarded: "+msg, attrs...)
		return
	}
	h.logger.WarnContext(ctx, "job failed, River will retry it: "+msg, attrs...)
}

// HandleError implements river.ErrorHandler.
func (h failureLogger) HandleError(ctx context.Context, job *rivertype.JobRow, err error) *river.ErrorHandlerResult {
	h.log(ctx, job, "error", slog.Any("err", err))
	return nil
}

// HandlePanic implements river.ErrorHandler.
func (h failureLogger) HandlePanic(ctx context.Context, job *rivertype.JobRow, panicVal any, trace string) *river.ErrorHandlerResult {
	h.log(ctx, job, "panic", slog.Any("panic", panicVal), slog.String("trace", trace))
	return nil
}
