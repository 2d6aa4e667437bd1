package view

// ReadersView is what a published sheet offers its readers (issue 14): its
// full address and PDF, for taking it away.
type ReadersView struct {
	// Address is the sheet's absolute URL, printed at its foot; PDFURL its
	// PDF document. Both empty unless the practice is published.
	Address, PDFURL string
	// Base is the site's address (no trailing slash), printed before the
	// sheet's relative links on paper.
	Base string
	// Similar are published practices like this one (service.Similar).
	Similar []PracticeCard
}
