// Package passerelle is the domain of the platform: territories, themes,
// users and roles, practices and the review workflow that moves them from a
// draft to a publication. It imports no database, HTTP, queue or policy
// package; storage, web, jobs and authorization depend on it, never the other
// way round.
//
// The whole review workflow — the states, the allowed transitions and who may
// trigger each of them — is in review.go.
package passerelle
