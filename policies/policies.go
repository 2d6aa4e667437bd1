// Package policies embeds the Casbin model and base policy of Passerelle (see
// README.md in this folder).
package policies

import _ "embed"

// Model is the Casbin model (model.conf).
//
//go:embed model.conf
var Model string

// Policy is the base policy (policy.csv): what each role may do.
//
//go:embed policy.csv
var Policy string
