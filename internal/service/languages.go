package service

import (
	"context"
	"encoding/json"
	"slices"

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// UnmappedLanguage is a language of a teaching tool, written as free text
// before languages were chosen from a list, that names no language of
// passerelle.Languages: its author is asked to choose one when they next edit
// the sheet, and operators are told at start-up.
type UnmappedLanguage struct {
	PracticeID int64
	Value      string
}

// FixLanguages rewrites the languages of teaching tools written as free text
// ("Français", "anglais", "FR") as the BCP 47 codes of passerelle.Languages,
// in place (a published sheet's record then changes for harvesters too:
// dc:language becomes a code), and returns the values it could not map,
// which stay as they were. It is idempotent and safe to run at every start,
// by several processes at once.
func (s *Service) FixLanguages(ctx context.Context) ([]UnmappedLanguage, error) {
	sheets, err := store.ToolSheets(ctx, s.DB.Read)
	if err != nil {
		return nil, err
	}
	var unmapped []UnmappedLanguage
	for _, sh := range sheets {
		var tool map[string]json.RawMessage
		var langs []string
		if json.Unmarshal([]byte(sh.Tool), &tool) != nil || json.Unmarshal(tool["languages"], &langs) != nil {
			continue
		}
		fixed := make([]string, 0, len(langs))
		for _, l := range langs {
			if tag, ok := passerelle.LanguageByName(l); ok {
				l = tag
			} else {
				unmapped = append(unmapped, UnmappedLanguage{PracticeID: sh.ID, Value: l})
			}
			if !slices.Contains(fixed, l) {
				fixed = append(fixed, l)
			}
		}
		if slices.Equal(fixed, langs) {
			continue
		}
		tool["languages"], _ = json.Marshal(fixed)
		after, err := json.Marshal(tool)
		if err != nil {
			return nil, err
		}
		if err := s.DB.InTx(ctx, func(ctx context.Context, tx bun.Tx) error {
			_, err := store.SetToolSheet(ctx, tx, sh.ID, sh.Tool, string(after))
			return err
		}); err != nil {
			return nil, err
		}
	}
	return unmapped, nil
}
