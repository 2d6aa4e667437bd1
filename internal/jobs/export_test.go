package jobs

import "github.com/riverqueue/river"

// NewNotifyWorker exposes the fan-out worker to the tests of package
// jobs_test, which build the application with testenv.
func NewNotifyWorker(deps Deps) river.Worker[NotifyEventArgs] { return &notifyWorker{deps: deps} }

// NewEmailWorker exposes the e-mail worker to the tests of package jobs_test.
func NewEmailWorker(deps Deps) river.Worker[SendEmailArgs] { return &emailWorker{deps: deps} }

// NewEmailsWorker exposes the batch e-mail worker to the tests of package
// jobs_test.
func NewEmailsWorker(deps Deps) river.Worker[SendEmailsArgs] { return &emailsWorker{deps: deps} }
