package jobs

import (
	"time"

	"github.com/riverqueue/river"
)

// NewFanOutWorker exposes the subscribers' fan-out worker to package jobs_test.
func NewFanOutWorker(deps Deps) river.Worker[FanOutArgs] { return &fanOutWorker{deps: deps} }

// NewSendDigestWorker exposes the digest e-mail worker to package jobs_test.
func NewSendDigestWorker(deps Deps) river.Worker[SendDigestArgs] {
	return &sendDigestWorker{deps: deps}
}

// NewSendReminderWorker exposes the reminder e-mail worker to package jobs_test.
func NewSendReminderWorker(deps Deps) river.Worker[SendReminderArgs] {
	return &sendReminderWorker{deps: deps}
}

// NextRun exposes the digest schedule.
func NextRun(hour int, weekday int, weekly bool, after time.Time) time.Time {
	return parisSchedule{Hour: hour, Weekday: time.Weekday(weekday), Weekly: weekly}.Next(after)
}
