package web

import (
	"net/http"

	"github.com/go-chi/chi/v5"

	"github.com/passerelle/passerelle/internal/passerelle"
)

// The JSON API under /api/v1, top to bottom: every endpoint, its handler,
// and after "//" who may call it and the one function that decides it.
// Handlers only translate (JSON in, one service call, JSON out); the
// deciding functions live in internal/service:
//
//   - visible: published practices to everyone, anything else to those who
//     take part in its review (passerelle.TakesPart);
//   - check: the workflow's transitions (passerelle.Transitions: who, from
//     which state), checkActivity: its activities (passerelle.Activities);
//   - loadSeeing: passerelle.Audience.Sees, for the parts of a practice
//     only the participants of its review see (the conversation, the
//     revisions); what the public sees of the rest is decided by the same
//     rule (passerelle.Visibility), checked by the leak test (leak_test.go);
//   - mustAdmin, cliOrAdmin: passerelle.User.IsAdmin;
//   - mayInvite: administrators, or moderators inviting contributors on
//     what they moderate (passerelle.MayInvite and the policy);
//   - "own": the signed-in caller's own things, read by their id.
//
// Route handlers grouped by resource: api_practices.go (tokens,
// territories, themes, practices and their workflow, notifications,
// roles), api_review.go (attachments, comments, claims, diffs, the queue),
// api_reuses.go, api_subscriptions.go, api_admin.go (one's account,
// invitations, users, territories, themes, journal), openapi.go. Request
// and answer shapes: api_json.go. Add a new endpoint here, in its block.
func (s *Server) apiRoutes(r chi.Router) {
	// The public read-only API: published content for anyone, readable by
	// other sites' scripts (CORS without credentials, httpsem.go). Nothing
	// else of the API answers CORS.
	public := func(pattern string, h http.HandlerFunc) {
		r.Get(pattern, publicRead(h))
		r.Options(pattern, preflight)
	}

	// Credentials.
	r.Post("/tokens", s.apiCreateToken)                          // anyone with a password: service.Authenticate (rate limited, auth.go)
	r.Delete("/tokens/current", s.apiRevokeToken)                // the token's holder
	r.Get("/tokens", s.apiListTokens)                            // signed in, own: service.Tokens
	r.Delete("/tokens/{id}", s.apiRevokeTokenByID)               // signed in, own: service.RevokeTokenByID
	r.Get("/me", s.apiMe)                                        // signed in
	r.Post("/me/password", s.apiChangePassword)                  // signed in, with the current password: service.ChangePassword
	limited := r.With(s.apiFailureLimit)                         // a client over its failures is refused (429) before the handler runs
	limited.Post("/password-resets", s.apiRequestReset)          // anyone: service.RequestPasswordReset (rate limited)
	limited.Post("/password-resets/{token}", s.apiResetPassword) // the link's holder: service.ResetPassword (rate limited)

	// Reference lists. s.shared: an anonymous caller's answer comes from
	// the shared cache of public answers, by public version
	// (pagecache.go).
	public("/territories", s.shared(s.apiTerritories)) // anyone
	public("/themes", s.shared(s.apiThemes))           // anyone

	// Practices and their workflow.
	public("/practices", s.shared(s.apiListPractices))             // anyone, published only: service.Published
	r.Post("/practices", s.apiCreatePractice)                      // contributors on the territory: service.CreatePractice
	public("/practices/{id}", s.shared(s.apiGetPractice))          // service.visible
	r.Patch("/practices/{id}", s.apiUpdatePractice)                // the author: service.check (edit)
	r.Delete("/practices/{id}", s.apiDeleteDraft)                  // the author, drafts: service.checkActivity (delete)
	r.Post("/practices/{id}/submit", s.apiSubmit)                  // the author: service.check (submit)
	r.Post("/practices/{id}/withdraw", s.apiWithdraw)              // the author: service.check (withdraw)
	r.Post("/practices/{id}/confirm", s.apiConfirmCurrent)         // the author, or a moderator on their behalf, once published: service.ConfirmCurrent
	r.Post("/practices/{id}/update", s.apiStartUpdate)             // the author of a published practice: service.check (start_update) (pages_updates.go)
	r.Post("/practices/{id}/decision", s.apiDecide)                // moderators, never the author: service.check (approve, request_changes, reject)
	r.Post("/practices/{id}/archive", s.apiArchive)                // moderators: service.check (archive)
	r.Post("/practices/{id}/unarchive", s.apiUnarchive)            // moderators: service.check (unarchive)
	public("/practices/{id}/history", s.apiHistory)                // service.visible; passerelle.Audience.History
	public("/practices/{id}/revisions", s.apiRevisions)            // service.visible; passerelle.Audience.Revisions
	r.Get("/practices/{id}/revisions/{n}/diff", s.apiRevisionDiff) // service.loadSeeing (revisions)

	// The review around a practice.
	public("/practices/{id}/attachments", s.apiAttachments)                // service.visible
	r.Post("/practices/{id}/attachments", s.apiUploadAttachment)           // the author while editable: service.checkActivity (attach)
	public("/attachments/{id}", s.downloadAttachment)                      // service.visible, of its practice
	r.Delete("/attachments/{id}", s.apiDeleteAttachment)                   // the author while editable: service.checkActivity (attach)
	r.Delete("/practices/{id}/attachments/{aid}", s.apiRemoveAttachmentOf) // the author while editable: service.checkActivity (attach); from an update, a published file too (service.RemoveAttachmentOf)
	r.Get("/practices/{id}/comments", s.apiComments)                       // service.loadSeeing (conversation)
	r.Post("/practices/{id}/comments", s.apiAddComment)                    // author and moderators: service.checkActivity (comment)
	r.Post("/practices/{id}/claim", s.apiClaim)                            // moderators: service.checkActivity (claim)
	r.Delete("/practices/{id}/claim", s.apiRelease)                        // moderators: service.checkActivity (release)
	r.Get("/review-queue", s.apiReviewQueue)                               // moderators, their territories: service.Queue
	public("/practices/{id}/reuses", s.apiReuses)                          // service.visible
	r.Post("/practices/{id}/reuses", s.apiRecordReuse)                     // contributors, on their territories: service.RecordReuse

	// Notifications and subscriptions.
	r.Get("/notifications", s.apiNotifications)              // signed in, own: service.Notifications
	r.Post("/notifications/read", s.apiMarkRead)             // signed in, own: service.MarkRead
	r.Post("/notifications/{id}/read", s.apiMarkOneRead)     // signed in, own: service.MarkOneRead
	r.Get("/subscriptions", s.apiSubscriptions)              // signed in, own: service.Subscriptions
	r.Post("/subscriptions", s.apiSubscribe)                 // signed in: service.Subscribe
	r.Delete("/subscriptions/{id}", s.apiDeleteSubscription) // signed in, own: service.DeleteSubscription

	// Network meetings (api_meetings.go). Every meeting is public; the
	// rules are passerelle.MeetingRules, applied by service.checkMeeting
	// (organisers: service.mayOrganize, a moderator covering the territory
	// or an administrator).
	public("/meetings", s.apiListMeetings)                                // anyone: service.Meetings
	r.Post("/meetings", s.apiCreateMeeting)                               // organisers of the territory: service.checkMeeting (meeting.create)
	public("/meetings/{id}", s.apiGetMeeting)                             // anyone; proposals of the agenda: service.Agenda
	r.Patch("/meetings/{id}", s.apiUpdateMeeting)                         // organisers: service.checkMeeting (meeting.update)
	r.Post("/meetings/{id}/cancel", s.apiCancelMeeting)                   // organisers, before it starts: service.checkMeeting (meeting.cancel)
	r.Post("/meetings/{id}/hold", s.apiHoldMeeting)                       // organisers, once started: service.checkMeeting (meeting.hold)
	r.Put("/meetings/{id}/record", s.apiPublishRecord)                    // organisers, once started: service.checkMeeting (meeting.record)
	r.Post("/meetings/{id}/registrations", s.apiRegister)                 // signed in, until the deadline: service.checkMeeting (meeting.register)
	r.Delete("/meetings/{id}/registrations/me", s.apiUnregister)          // signed in, own, until the deadline: service.checkMeeting (meeting.unregister)
	r.Get("/meetings/{id}/registrations", s.apiRegistrations)             // organisers: service.checkMeeting (meeting.roster)
	r.Get("/meetings/{id}/registrations.csv", s.attendanceCSV)            // organisers: service.checkMeeting (meeting.roster)
	r.Post("/meetings/{id}/attendance", s.apiAttendance)                  // organisers, once started: service.checkMeeting (meeting.attendance)
	public("/meetings/{id}/agenda", s.apiAgenda)                          // anyone; proposals to organisers and proposers: service.Agenda
	r.Post("/meetings/{id}/agenda", s.apiAddToAgenda)                     // organisers (add), the practice's author (propose): service.checkMeeting
	r.Post("/meetings/{id}/agenda/{item}/decision", s.apiDecideAgenda)    // organisers, never the proposer: service.checkMeeting (meeting.agenda.accept, decline)
	r.Delete("/meetings/{id}/agenda/{item}", s.apiRemoveFromAgenda)       // organisers: service.checkMeeting (meeting.agenda.remove)
	r.Post("/meetings/{id}/attachments", s.apiUploadMeetingFile)          // organisers: service.checkMeeting (meeting.attach)
	public("/meetings/{id}/attachments/{file}", s.downloadMeetingFile)    // anyone
	r.Delete("/meetings/{id}/attachments/{file}", s.apiDeleteMeetingFile) // organisers: service.checkMeeting (meeting.attach)
	public("/practices/{id}/meetings", s.apiPracticeMeetings)             // service.visible

	// Invitations.
	r.Post("/invitations", s.apiInvite)                              // service.mayInvite
	r.Get("/invitations", s.apiListInvitations)                      // administrators, moderators on their territories: service.Invitations
	limited.Get("/invitations/{key}", s.apiGetInvitation)            // the link's holder: service.InvitationByToken (rate limited)
	r.Delete("/invitations/{key}", s.apiRevokeInvitation)            // service.mayInvite
	limited.Post("/invitations/{key}/accept", s.apiAcceptInvitation) // the link's holder: service.AcceptInvitation (rate limited)

	// Administration.
	r.Get("/users", s.apiUsers)                           // service.mustAdmin
	r.Get("/users/{id}", s.apiUser)                       // service.mustAdmin
	r.Post("/users/{id}/disable", s.apiUserState(false))  // service.cliOrAdmin
	r.Post("/users/{id}/enable", s.apiUserState(true))    // service.cliOrAdmin
	r.Post("/roles", s.apiRole(true))                     // service.cliOrAdmin
	r.Delete("/roles", s.apiRole(false))                  // service.cliOrAdmin
	r.Post("/territories", s.apiAddTerritory)             // service.cliOrAdmin
	r.Post("/territories/import", s.apiImportTerritories) // service.cliOrAdmin
	r.Patch("/territories/{code}", s.apiUpdateTerritory)  // service.cliOrAdmin
	r.Post("/themes", s.apiAddTheme)                      // service.cliOrAdmin
	r.Patch("/themes/{slug}", s.apiRenameTheme)           // service.cliOrAdmin
	r.Get("/audit", s.apiAudit)                           // service.mustAdmin

	// The API described in OpenAPI 3 (openapi.go).
	public("/openapi.json", s.openAPI()) // anyone

	r.NotFound(func(w http.ResponseWriter, r *http.Request) {
		s.apiError(w, r, passerelle.Errorf(passerelle.ENotFound, "No such route."))
	})
	r.MethodNotAllowed(func(w http.ResponseWriter, r *http.Request) {
		s.setAllow(w, r)
		writeJSON(w, http.StatusMethodNotAllowed, errorBody{Error: errorJSON{Code: passerelle.EInvalid, Message: "Method not allowed."}})
	})
}
