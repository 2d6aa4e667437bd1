// Package e2e holds end-to-end tests: they drive Passerelle from the outside,
// as users and scripts do — the command line through cli.Main (and the built
// binary), the HTTP API of a real server — on SQLite and, when
// PASSERELLE_TEST_DATABASE_URL is set, on PostgreSQL. It has no code of its
// own beyond the tests.
package e2e
