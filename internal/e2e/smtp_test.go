package e2e

import (
	"slices"
	"strings"
	"testing"

	"github.com/passerelle/passerelle/internal/mail/mailtest"
)

// newSMTPServer starts an SMTP server for the tests that count deliveries,
// stopped when the test ends.
func newSMTPServer(t *testing.T) *mailtest.Server {
	t.Helper()
	s, err := mailtest.New(mailtest.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// countBySubject returns how many messages each recipient got whose
// subject holds one of subjects.
func countBySubject(msgs []mailtest.Message, subjects ...string) map[string]int {
	out := map[string]int{}
	for _, m := range msgs {
		if m.To != "" && slices.ContainsFunc(subjects, func(want string) bool { return strings.Contains(m.Subject, want) }) {
			out[m.To]++
		}
	}
	return out
}
