package view

// WritingAids is what helps an author write a practice beside its form:
// which inputs are required to submit (from passerelle.Requirements, the
// one definition of a complete practice), a checklist of them, done or not,
// and what the submit button says.
type WritingAids struct {
	// Required tells, by input id, whether the input is needed to submit.
	Required map[string]bool
	// Checklist lists the required inputs of both kinds, in the order of the
	// form; the items of the other kind are hidden.
	Checklist []ChecklistItem
	// Complete is true when nothing required is missing for the chosen kind.
	Complete bool
	// Missing names the missing inputs' labels, joined for reading
	// ("Thèmes, Licence").
	Missing string
}

// ChecklistItem is one required input of the checklist.
type ChecklistItem struct {
	Input string // the input's id (and name)
	Label string // translated
	Kind  string // "" for every kind, else "experience" or "tool"
	Done  bool
	// Hidden is true for an item of the kind not chosen.
	Hidden bool
}

// CoverView is a practice's cover image: its files at every stored width
// (SrcSet), the middle one as Src with its size, and its alternative text.
type CoverView struct {
	Src, SrcSet, Alt string
	Width, Height    int
}
