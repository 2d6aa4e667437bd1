// Package migrations embeds the SQL migrations of the application, one folder
// per dialect. Files are named <timestamp>_<name>.sql, applied in name order,
// each in a transaction, and never edited once released.
package migrations

import "embed"

// FS holds sqlite/*.sql and postgres/*.sql.
//
//go:embed sqlite/*.sql postgres/*.sql
var FS embed.FS
