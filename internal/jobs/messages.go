package jobs

import (
	"fmt"
	"sync"

	"github.com/passerelle/passerelle/internal/view"
	"github.com/passerelle/passerelle/ui"
)

// The words of the notifications and e-mails live with the pages' in the
// locale files, ui/locales/mail.fr.json and mail.en.json (keys "mail.…"),
// read through the pages' catalogue (internal/view), so that translators
// find them where they find every other text and the parity tests of the
// locales cover them. A notification's words are "mail.<type>.in_app" and
// "mail.<type>.subject", <type> being its passerelle.Notify… value.
var mailCatalog = sync.OnceValue(func() *view.Catalog {
	c, err := view.LoadCatalog(ui.FS)
	if err != nil {
		// The files are embedded in the binary: an error is a build
		// mistake that the locale tests catch first.
		panic(fmt.Sprintf("jobs: the locale files: %v", err))
	}
	return c
})

// words returns the translator of lang (French for an unknown language).
func words(lang string) *view.Translator { return mailCatalog().Translator(lang) }

// InAppMessage returns the in-app message of a notification in lang.
func InAppMessage(lang, typ, title, actor string) string {
	return words(lang).T("mail."+typ+".in_app", "title", title, "actor", actor)
}
