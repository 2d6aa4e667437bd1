// Package demo holds the demonstration data set of Passerelle: a small but
// realistic tree of territories of the Nord and Pas-de-Calais, the themes of
// urban-policy contracts, a handful of demo accounts and a dozen practice
// sheets (experience reports and teaching tools) written in French.
//
// The data is plain Go values so that it can be loaded by a seeding command,
// used in end-to-end tests or printed at start-up without any I/O.
package demo

// Territory is one node of the territory tree.
//
// Code is URL-safe (letters, digits, dash). Official codes are used where
// they are certain (region and department codes, EPCI SIREN, commune INSEE
// codes); priority neighbourhoods use local codes prefixed with "qpv-".
// Level is one of region, department, epci, commune, qpv or other. Parent is
// the Code of the parent territory, or "" for the root.
type Territory struct{ Code, Name, Level, Parent string }

// Theme is a theme of urban-policy contracts, identified by its slug.
type Theme struct{ Slug, Name string }

// Grant gives an account a Role ("contributor" or "moderator") on a
// territory, identified by its Code, and implicitly on all its descendants.
type Grant struct{ Role, Territory string }

// Account is a demo user account. Password is the clear-text demo password
// (always DemoPassword); it must be hashed before being stored.
type Account struct {
	Email, Name, Password string
	Admin                 bool
	Grants                []Grant
}

// Experience holds the fields specific to an experience report. Dates are
// formatted "YYYY-MM-DD"; EndedOn is "" for an action still running.
type Experience struct {
	Context, Actions   string
	Partners           []string
	Results, Lessons   string
	StartedOn, EndedOn string
}

// Tool holds the fields specific to a teaching tool. Format is one of kit,
// game, guide, video, training or other; License is an SPDX identifier (for
// instance CC-BY-4.0 or Etalab-2.0); Languages are ISO 639-1 codes like "fr".
type Tool struct {
	Audience                  []string
	Format, Duration, License string
	Languages                 []string
}

// Practice is a practice sheet: either an experience report or a teaching
// tool, attached to a territory and to one or more themes.
type Practice struct {
	Kind                 string // "experience" | "tool"
	Title, Summary, Body string // Body is Markdown
	Territory            string // a territory Code
	Themes               []string
	Author               string // the e-mail of an Account
	Status               string // "published" | "submitted" | "draft"
	Experience           *Experience
	Tool                 *Tool
}
