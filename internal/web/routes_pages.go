package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/passerelle/passerelle/internal/opendata"
	"github.com/passerelle/passerelle/internal/passerelle"
)

// The map of the site for people and machines outside /api/v1, top to
// bottom: every page and file, its handler, and after "//" who may use it
// and the one function that decides it. "anyone" pages show published
// practices only (service.Published, service.visible). For an anonymous
// visitor, a page that needs an account answers with the login form
// (errorPage on the service's unauthenticated error, or signedIn); the
// /admin pages are behind adminOnly (passerelle.User.IsAdmin), and their
// service methods check again (service.mustAdmin, cliOrAdmin). The other
// deciding functions are those of the API's table (routes_api.go).
//
// Handlers grouped by resource: pages_browse.go and pages_discover.go
// (home, territories, themes, search, tools, reuses), pages_practice.go
// (a practice, its form and workflow), pages_review.go (attachments,
// conversation, claims, the queue), pages_mine.go (my practices,
// notifications), pages_subscriptions.go, pages_auth.go (sign in and out), pages_oidc.go (single sign-on),
// pages_credentials.go (invitations, passwords, tokens), pages_admin.go,
// pages_jobs.go, opendata.go; what they share is in pages.go and
// pages_form.go. Add a new page here, in its block.
func (s *Server) pageRoutes(r chi.Router) {
	// HEAD answers like GET (net/http drops the body), for link checkers
	// and monitors.
	get := func(pattern string, h http.HandlerFunc) {
		r.Get(pattern, h)
		r.Head(pattern, h)
	}

	// Browsing. s.shared: an anonymous visitor's answer comes from the
	// shared cache of public pages, by public version (pagecache.go).
	get("/", s.shared(s.homePage))                        // anyone
	get("/territoires", s.shared(s.territoriesPage))      // anyone
	get("/territoires/{code}", s.shared(s.territoryPage)) // anyone
	get("/themes", s.shared(s.themesPage))                // anyone
	get("/themes/{slug}", s.shared(s.themePage))          // anyone
	get("/recherche", s.shared(s.searchPage))             // anyone
	get("/outils", s.shared(s.toolsPage))                 // anyone
	get("/robots.txt", s.robotsTxt)                       // anyone

	// Network meetings (pages_meetings.go): public pages; the rules are
	// passerelle.MeetingRules, applied by service.checkMeeting; buttons
	// from service.MeetingAbilities.
	get("/rencontres", s.meetingsPage)                                            // anyone: service.Meetings
	get("/rencontres/nouvelle", s.newMeetingPage)                                 // organisers (service.MayOrganizeAnywhere; the form offers their territories)
	r.Post("/rencontres/nouvelle", s.createMeetingPage)                           // organisers of the territory: service.checkMeeting (meeting.create)
	get("/rencontres/{id:[0-9]+}.ics", s.meetingICS)                              // anyone (opendata_meetings.go)
	get("/rencontres/{id}", s.meetingPage)                                        // anyone
	get("/rencontres/{id}/modifier", s.editMeetingPage)                           // organisers: service.checkMeeting (meeting.update)
	r.Post("/rencontres/{id}/modifier", s.updateMeetingPage)                      // organisers: service.checkMeeting (meeting.update)
	r.Post("/rencontres/{id}/annuler", s.cancelMeetingPage)                       // organisers, before it starts: service.checkMeeting (meeting.cancel)
	r.Post("/rencontres/{id}/tenue", s.holdMeetingPage)                           // organisers, once started: service.checkMeeting (meeting.hold)
	r.Post("/rencontres/{id}/inscription", s.registerPage)                        // signed in, until the deadline: service.checkMeeting (meeting.register)
	r.Post("/rencontres/{id}/desinscription", s.unregisterPage)                   // signed in, own: service.checkMeeting (meeting.unregister)
	r.Post("/rencontres/{id}/programme", s.addToAgendaPage)                       // organisers (add), authors (propose): service.checkMeeting
	r.Post("/rencontres/{id}/programme/{item}/decision", s.decideAgendaPage)      // organisers, never the proposer: service.checkMeeting
	r.Post("/rencontres/{id}/programme/{item}/retirer", s.removeFromAgendaPage)   // organisers: service.checkMeeting (meeting.agenda.remove)
	get("/rencontres/{id}/presences", s.attendancePage)                           // organisers: service.checkMeeting (meeting.roster)
	r.Post("/rencontres/{id}/presences", s.markAttendancePage)                    // organisers, once started: service.checkMeeting (meeting.attendance)
	get("/rencontres/{id}/presences.csv", s.attendanceCSV)                        // organisers: service.checkMeeting (meeting.roster)
	get("/rencontres/{id}/compte-rendu", s.recordPage)                            // organisers: service.MeetingAbilities
	r.Post("/rencontres/{id}/compte-rendu", s.publishRecordPage)                  // organisers, once started: service.checkMeeting (meeting.record)
	r.Post("/rencontres/{id}/fichiers", s.uploadMeetingFilePage)                  // organisers: service.checkMeeting (meeting.attach)
	get("/rencontres/{id}/fichiers/{file}", s.downloadMeetingFile)                // anyone
	r.Post("/rencontres/{id}/fichiers/{file}/supprimer", s.deleteMeetingFilePage) // organisers: service.checkMeeting (meeting.attach)

	// Signing in and out.
	get("/login", s.loginPage)  // anyone
	r.Post("/login", s.login)   // anyone with a password: service.Authenticate (rate limited, auth.go)
	r.Post("/logout", s.logout) // the session's holder
	// Single sign-on (pages_oidc.go): the provider proves who, the service
	// decides which account (service.FinishProviderSignIn).
	r.Post("/auth/oidc/login", s.oidcStart) // anyone, when a provider is configured: service.BeginProviderSignIn
	r.Get(OIDCCallbackPath, s.oidcCallback) // the browser that began: service.FinishProviderSignIn

	// A practice and its workflow.
	get("/fiches/nouvelle", s.newPracticePage)                            // contributors (signedIn; the form offers their territories)
	r.Post("/fiches/nouvelle", s.createPracticePage)                      // contributors on the territory: service.CreatePractice
	r.Post("/fiches/brouillon", s.autosaveNewPage)                        // contributors on the territory: service.CreatePractice (JSON, pages_writing.go)
	r.Post("/fiches/apercu", s.previewPage)                               // signed in: service.PreviewBody (JSON)
	get("/fiches/{id:[0-9]+}.pdf", s.practicePDF)                         // anyone, published only: service.PublishedPractice (pages_pdf.go)
	get("/fiches/{id}", s.shared(s.practicePage))                         // service.visible; buttons from service.Abilities
	get("/fiches/{id}/modifier", s.editPracticePage)                      // the author: service.check (edit)
	r.Post("/fiches/{id}/modifier", s.updatePracticePage)                 // the author: service.check (edit)
	r.Post("/fiches/{id}/brouillon", s.autosavePage)                      // the author: service.check (edit) (JSON, pages_writing.go)
	r.Post("/fiches/{id}/couverture", s.uploadCoverPage)                  // the author while editable: service.checkActivity (attach) (pages_writing.go)
	r.Post("/fiches/{id}/couverture/supprimer", s.removeCoverPage)        // the author while editable: service.checkActivity (attach)
	r.Post("/fiches/{id}/couverture/garder", s.keepCoverPage)             // the author of an update while editable: service.checkActivity (attach) (pages_updates.go)
	get("/fiches/{id}/couverture/{key}/{width:[0-9]+}.jpg", s.coverImage) // service.visible, of its practice (service.OpenCover)
	r.Post("/fiches/{id}/soumettre", s.submitPracticePage)                // the author: service.check (submit)
	r.Post("/fiches/{id}/retirer", s.withdrawPage)                        // the author: service.check (withdraw)
	r.Post("/fiches/{id}/supprimer", s.deleteDraftPage)                   // the author, drafts: service.checkActivity (delete)
	r.Post("/fiches/{id}/decision", s.decidePage)                         // moderators, never the author: service.check
	r.Post("/fiches/{id}/reutilisations", s.reusePage)                    // contributors, on their territories: service.RecordReuse
	r.Post("/fiches/{id}/favori", s.saveBookmarkPage)                     // signed in, own, a practice they may see: service.SaveBookmark (pages_bookmarks.go)
	r.Post("/fiches/{id}/favori/supprimer", s.removeBookmarkPage)         // signed in, own: service.RemoveBookmark
	r.Post("/fiches/{id}/contact", s.contactPage)                         // signed in, enabled, not the author, published, rate limited: service.ContactAuthor (pages_contact.go)
	r.Post("/fiches/{id}/verifiee", s.confirmCurrentPage)                 // the author, or a moderator on their behalf, once published: service.ConfirmCurrent (pages_desk.go)
	r.Post("/fiches/{id}/mise-a-jour", s.startUpdatePage)                 // the author of a published practice: service.check (start_update) (pages_updates.go)

	// The review around a practice.
	get("/attachments/{id}", s.downloadAttachment)                                // service.visible, of its practice
	r.Post("/fiches/{id}/pieces-jointes", s.uploadAttachmentPage)                 // the author while editable: service.checkActivity (attach)
	r.Post("/fiches/{id}/pieces-jointes/{aid}/supprimer", s.deleteAttachmentPage) // the author while editable: service.checkActivity (attach)
	r.Post("/fiches/{id}/pieces-jointes/{aid}/garder", s.keepAttachmentPage)      // the author of an update while editable: service.checkActivity (attach) (pages_updates.go)
	r.Post("/fiches/{id}/commentaires", s.commentPage)                            // author and moderators: service.checkActivity (comment)
	r.Post("/fiches/{id}/prise-en-charge", s.claimPage)                           // moderators: service.checkActivity (claim)
	r.Post("/fiches/{id}/prise-en-charge/liberer", s.releasePage)                 // moderators: service.checkActivity (release)
	get("/relecture", s.queuePage)                                                // moderators, their territories: service.Queue
	get("/bureau", s.deskPage)                                                    // moderators, their territories: service.Desk (others: service.Landing)

	// One's practices, notifications, subscriptions and e-mails.
	get("/mes-favoris", s.bookmarksPage)                     // signed in, own only: service.Bookmarks (pages_bookmarks.go)
	get("/mes-fiches", s.myPracticesPage)                    // signed in, own: service.MyPractices
	get("/notifications", s.notificationsPage)               // signed in, own: service.Notifications
	r.Post("/notifications/lues", s.markReadPage)            // signed in, own: service.MarkRead
	r.Post("/notifications/{id}/lue", s.markOneReadPage)     // signed in, own: service.MarkOneRead
	get("/abonnements", s.subscriptionsPage)                 // signed in, own: service.Subscriptions
	r.Post("/abonnements", s.subscribePage)                  // signed in: service.Subscribe
	r.Post("/abonnements/{id}/supprimer", s.unsubscribePage) // signed in, own: service.DeleteSubscription
	get("/suivre", s.followPage)                             // anyone: the frequency to choose (pages_follow.go)
	r.Post("/suivre", s.followPost)                          // signed in: service.Subscribe; anonymous: to the login, the follow kept in next
	get("/preferences", s.preferencesPage)                   // signed in, own: service.EmailSettings
	r.Post("/preferences", s.savePreferencesPage)            // signed in, own: service.SetEmailSettings
	// RFC 8058 one-click unsubscribing: the mail client POSTs
	// "List-Unsubscribe=One-Click" to the link of the List-Unsubscribe
	// header, without cookies — and a client running in a browser does so
	// from its own origin, which cross-origin protection would refuse. The
	// route needs no protection against cross-site requests: it carries no
	// ambient authority (no session is used), only the signed token in the
	// request, which a third party cannot forge. It is the one exemption.
	bypassUnsubscribe.Do(func() { crossOrigin.AddInsecureBypassPattern("POST /unsubscribe") })
	get("/unsubscribe", s.unsubscribeConfirmPage) // the link's holder: service.CheckUnsubscribe
	r.Post("/unsubscribe", s.unsubscribeDonePage) // the link's holder: service.Unsubscribe

	// One's account.
	limited := r.With(s.pageFailureLimit)                                      // a client over its failures gets the 429 page before the handler runs
	limited.Get("/invitations/{token}", s.invitationPage)                      // the link's holder: service.InvitationByToken (rate limited)
	limited.Head("/invitations/{token}", s.invitationPage)                     // (as GET)
	limited.Post("/invitations/{token}", s.acceptInvitationPage)               // the link's holder: service.AcceptInvitation (rate limited)
	get("/mot-de-passe/oublie", s.forgotPasswordPage)                          // anyone
	limited.Post("/mot-de-passe/oublie", s.requestResetPage)                   // anyone: service.RequestPasswordReset (rate limited; per address too)
	limited.Get("/mot-de-passe/reinitialiser/{token}", s.resetPasswordPage)    // the link's holder: service.CheckPasswordReset (rate limited)
	limited.Head("/mot-de-passe/reinitialiser/{token}", s.resetPasswordPage)   // (as GET)
	limited.Post("/mot-de-passe/reinitialiser/{token}", s.doResetPasswordPage) // the link's holder: service.ResetPassword (rate limited)
	get("/compte", s.accountPage)                                              // signed in
	r.Post("/compte/mot-de-passe", s.changePasswordPage)                       // signed in, with the current password: service.ChangePassword
	r.Post("/compte/mot-de-passe/supprimer", s.removePasswordPage)             // signed in, linked to the provider: service.RemovePassword (pages_oidc.go)
	get("/compte/jetons", s.tokensPage)                                        // signed in, own: service.Tokens
	r.Post("/compte/jetons", s.createTokenPage)                                // signed in: service.CreateNamedToken
	r.Post("/compte/jetons/{id}/revoquer", s.revokeTokenPage)                  // signed in, own: service.RevokeTokenByID

	// Administration. Invitations are open to moderators too.
	get("/admin/invitations", s.adminInvitationsPage)                      // administrators, moderators on their territories: service.Invitations
	r.Post("/admin/invitations", s.adminInvitePage)                        // service.mayInvite
	r.Post("/admin/invitations/{id}/retirer", s.adminRevokeInvitationPage) // service.mayInvite
	r.Group(func(r chi.Router) {
		r.Use(s.adminOnly) // passerelle.User.IsAdmin
		get := func(pattern string, h http.HandlerFunc) {
			r.Get(pattern, h)
			r.Head(pattern, h)
		}
		get("/admin", s.adminHomePage)
		get("/admin/utilisateurs", s.adminUsersPage)
		get("/admin/utilisateurs/{id}", s.adminUserPage)
		r.Post("/admin/utilisateurs/{id}/roles", s.adminRolePage(true))
		r.Post("/admin/utilisateurs/{id}/roles/retirer", s.adminRolePage(false))
		r.Post("/admin/utilisateurs/{id}/desactiver", s.adminUserStatePage(false))
		r.Post("/admin/utilisateurs/{id}/reactiver", s.adminUserStatePage(true))
		get("/admin/territoires", s.adminTerritoriesPage)
		r.Post("/admin/territoires", s.adminAddTerritoryPage)
		r.Post("/admin/territoires/import", s.adminImportPage)
		get("/admin/territoires/{code}", s.adminTerritoryPage)
		r.Post("/admin/territoires/{code}", s.adminUpdateTerritoryPage)
		get("/admin/themes", s.adminThemesPage)
		r.Post("/admin/themes", s.adminAddThemePage)
		r.Post("/admin/themes/{slug}", s.adminRenameThemePage)
		get("/admin/journal", s.adminJournalPage)
		get("/admin/chiffres", s.figuresPage)              // service.Figures (pages_figures.go)
		r.Handle(JobsPrefix, http.HandlerFunc(s.jobsPage)) // River UI (pages_jobs.go)
		r.Handle(JobsPrefix+"/*", http.HandlerFunc(s.jobsPage))
	})

	// Open data (opendata.go): published practices only, for anyone.
	site := s.openDataSite()
	r.Get("/feeds/practices.atom", s.feed(site))
	r.Get("/export/practices.csv", s.exportCSV(site))
	r.Get("/export/practices.xlsx", s.exportXLSX(site))
	r.Get("/sitemap.xml", s.sitemap(site))
	r.Get("/sitemaps/pages.xml", s.sitemapPages(site))
	r.Get("/sitemaps/practices-{chunk:[0-9]+}.xml", s.sitemapPractices(site))
	oaiHandler := s.oaiEndpoint(site)
	r.Get("/oai", oaiHandler)
	r.Post("/oai", oaiHandler)
	r.Get(opendata.QDCSchemaPath, qdcSchema)
	r.Get("/feeds/rencontres.ics", s.meetingsCalendar)    // anyone (opendata_meetings.go)
	r.Get("/feeds/rencontres.atom", s.meetingsAtom(site)) // anyone

	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		s.errorPage(w, r, passerelle.Errorf(passerelle.ENotFound, "No such page."))
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		s.setAllow(w, r)
		s.showError(w, r, http.StatusMethodNotAllowed, "method_not_allowed")
	})
}
