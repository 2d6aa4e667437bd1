package web

import (
	"sort"
	"strings"

	"github.com/passerelle/passerelle/internal/authz"
	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/view"
)

// journalRow is one audit entry as people read it, in their language: the
// names of accounts, territories and themes rather than their e-mails, codes
// and slugs (kept beside the name), the details' keys and enumerated values
// translated ("Rôle : Contributeur ou contributrice", not "role : contributor").
func journalRow(tr *view.Translator, snap *authz.Snapshot, e passerelle.AuditEntry) view.AuditRow {
	row := view.AuditRow{At: e.At, ActorName: e.ActorName, ActorEmail: e.ActorEmail, Action: string(e.Action), Target: e.Target,
		TargetName: e.TargetName}
	action := string(e.Action)
	switch {
	case strings.HasPrefix(action, "territory.") && action != string(passerelle.AuditTerritoryImport):
		row.TargetName = territoryName(snap, e.Target)
	case strings.HasPrefix(action, "theme."):
		row.TargetName = themeName(snap, e.Target)
	}
	if row.TargetName == e.Target {
		row.TargetName = ""
	}
	keys := make([]string, 0, len(e.Details))
	for k := range e.Details {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		label := k
		if key := "audit.detail." + k; tr.Has(key) {
			label = tr.T(key)
		}
		// A change is written "before → after": each side is read alone.
		parts := strings.Split(e.Details[k], " → ")
		for i, v := range parts {
			parts[i] = journalValue(tr, snap, k, v)
		}
		row.Details = append(row.Details, view.DetailView{Key: label, Value: strings.Join(parts, " → ")})
	}
	return row
}

// journalValue is one value of a detail as people read it.
func journalValue(tr *view.Translator, snap *authz.Snapshot, key, v string) string {
	switch key {
	case "role":
		if tr.Has("role." + v) {
			return tr.T("role." + v)
		}
	case "level":
		if tr.Has("level." + v) {
			return tr.T("level." + v)
		}
	case "territory", "parent":
		if name := territoryName(snap, v); name != v {
			return name + " (" + v + ")"
		}
	case "admin", "first", "present", "marked":
		switch v {
		case "true":
			return tr.T("audit.value.true")
		case "false":
			return tr.T("audit.value.false")
		}
	}
	return v
}

func territoryName(snap *authz.Snapshot, code string) string {
	if t := snap.Tree().Get(code); t != nil {
		return t.Name
	}
	return code
}

func themeName(snap *authz.Snapshot, slug string) string {
	for _, t := range snap.Themes() {
		if t.Slug == slug {
			return t.Name
		}
	}
	return slug
}
