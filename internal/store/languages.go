package store

import (
	"context"

	"github.com/uptrace/bun"
)

// ToolSheet is the tool column of a practice, as stored (JSON).
type ToolSheet struct {
	ID   int64  `bun:"id"`
	Tool string `bun:"tool"`
}

// ToolSheets returns, by id, the practices whose tool column mentions
// languages.
func ToolSheets(ctx context.Context, db bun.IDB) ([]ToolSheet, error) {
	var out []ToolSheet
	err := db.NewSelect().Model((*practiceRow)(nil)).Column("p.id", "p.tool").
		Where("p.tool IS NOT NULL").Where("p.tool LIKE ?", `%"languages":[%"%`).
		OrderExpr("p.id").Scan(ctx, &out)
	return out, err
}

// SetToolSheet replaces the tool column of a practice, unless it changed
// since it was read (it then reports false). Its version does not move: the
// content people wrote is the same, only written as codes.
func SetToolSheet(ctx context.Context, db bun.IDB, id int64, before, after string) (bool, error) {
	res, err := db.NewUpdate().Model((*practiceRow)(nil)).Set("tool = ?", after).
		Where("id = ? AND tool = ?", id, before).Exec(ctx)
	return affected(res, err)
}
