package view

import "time"

// The pages of accounts (invitation, password, tokens) and of the
// administration (users, roles, invitations, territories, themes, journal).

// FormErrorsOf is implemented by page data that carries form errors, so that
// the layout prefixes the title with "Erreur : ".
type FormErrorsOf interface{ FormErrors() []FormError }

// RoleView is a role held on a territory.
type RoleView struct {
	Role      string // contributor, moderator
	Territory Territory
}

// InvitationData is the page of an invitation link, where the person
// invited chooses a password. Problem, already translated, says why the link
// cannot be used (then no form is shown).
type InvitationData struct {
	Token, Email, Name, Role string
	Territory                Territory
	InvitedBy                string
	ExpiresAt                time.Time
	Problem                  string
	Errors                   []FormError
}

// FormErrors implements FormErrorsOf.
func (d *InvitationData) FormErrors() []FormError { return d.Errors }

// PasswordForgotData is the page where one asks for a password reset link.
// Sent is true once asked (the page then says the same whatever the address).
type PasswordForgotData struct {
	Email  string
	Sent   bool
	Errors []FormError
}

// FormErrors implements FormErrorsOf.
func (d *PasswordForgotData) FormErrors() []FormError { return d.Errors }

// PasswordResetData is the page of a reset link, where one chooses a new
// password. Problem, already translated, says why the link cannot be used.
type PasswordResetData struct {
	Token   string
	Problem string
	Errors  []FormError
}

// FormErrors implements FormErrorsOf.
func (d *PasswordResetData) FormErrors() []FormError { return d.Errors }

// AccountData is "Mon compte": who one is, one's roles, and the form to
// change one's password.
type AccountData struct {
	Name, Email string
	Admin       bool
	Roles       []RoleView
	Errors      []FormError
	// SignIn says how the account signs in (single sign-on, models_oidc.go).
	SignIn SignInView
}

// FormErrors implements FormErrorsOf.
func (d *AccountData) FormErrors() []FormError { return d.Errors }

// TokenView is one API token on "Mes jetons".
type TokenView struct {
	ID, Name             string
	CreatedAt, ExpiresAt time.Time
	RevokedAt            *time.Time
	Active               bool
}

// TokensData is "Mes jetons": one's API tokens, a form to create one and,
// right after creating it, the new token shown once.
type TokensData struct {
	Tokens       []TokenView
	Name         string // typed in the creation form
	NewToken     string // shown once, right after creation
	NewTokenName string
	Errors       []FormError
}

// FormErrors implements FormErrorsOf.
func (d *TokensData) FormErrors() []FormError { return d.Errors }

// AdminHomeData is the administration's home page.
type AdminHomeData struct {
	Users, Territories, Themes, OpenInvitations int
}

// AdminUser is an account as the administration lists it.
type AdminUser struct {
	ID, Name, Email, URL string
	Admin, Disabled      bool
	Roles                []RoleView
	CreatedAt            time.Time
	SignIn               SignInView
}

// AdminUsersData is the list of accounts, searched by name or e-mail.
type AdminUsersData struct {
	Q         string
	Users     []AdminUser
	Truncated bool // more accounts match than are shown
}

// GrantForm is the role form as typed.
type GrantForm struct{ Role, Territory string }

// AdminUserData is one account: its roles, the forms to grant and revoke
// them, and to disable or enable the account.
type AdminUserData struct {
	User        AdminUser
	IsSelf      bool
	Roles       []string    // the roles that may be granted
	Territories []Territory // every territory, in tree order, for the grant form
	Form        GrantForm
	Errors      []FormError
}

// FormErrors implements FormErrorsOf.
func (d *AdminUserData) FormErrors() []FormError { return d.Errors }

// InviteForm is the invitation form as typed.
type InviteForm struct{ Email, Name, Role, Territory string }

// InvitationRow is one invitation in the administration's list. Status is
// pending, accepted, expired or revoked.
type InvitationRow struct {
	ID, Email, Name, Role, Status, InvitedBy string
	Territory                                Territory
	CreatedAt, ExpiresAt                     time.Time
}

// AdminInvitationsData is the invitation form — for a moderator, with only
// the contributor role and the territories they moderate — and the
// invitations sent.
type AdminInvitationsData struct {
	Form        InviteForm
	Roles       []string
	Territories []Territory
	Invitations []InvitationRow
	Errors      []FormError
}

// FormErrors implements FormErrorsOf.
func (d *AdminInvitationsData) FormErrors() []FormError { return d.Errors }

// TerritoryRow is a territory in the administration's tree, with its depth
// (0 for a root) and its parent's name.
type TerritoryRow struct {
	Territory
	Depth      int
	ParentName string
	EditURL    string
}

// TerritoryForm is the territory form as typed.
type TerritoryForm struct{ Code, Name, Level, Parent string }

// ImportSummary counts what an import did.
type ImportSummary struct{ Created, Updated, Unchanged int }

// AdminTerritoriesData is the territory tree, the form to add a territory
// and the form to import a reference file (with what the last import did,
// or why it was refused).
type AdminTerritoriesData struct {
	Rows         []TerritoryRow
	Levels       []string
	Form         TerritoryForm
	Errors       []FormError
	Imported     *ImportSummary
	ImportErrors []FormError
}

// FormErrors implements FormErrorsOf.
func (d *AdminTerritoriesData) FormErrors() []FormError {
	return append(append([]FormError(nil), d.Errors...), d.ImportErrors...)
}

// AdminTerritoryData is the form to rename or move one territory. Parents
// lists the territories it may move under (not itself nor what lies below).
type AdminTerritoryData struct {
	Levels    []string
	Territory Territory
	Ancestors []Territory
	Form      TerritoryForm
	Parents   []Territory
	Errors    []FormError
}

// FormErrors implements FormErrorsOf.
func (d *AdminTerritoryData) FormErrors() []FormError { return d.Errors }

// ThemeRow is a theme, with the name typed in its rename form.
type ThemeRow struct{ Slug, Name, Typed string }

// AdminThemesData is the list of themes, each with a rename form, and the
// form to add one.
type AdminThemesData struct {
	Themes []ThemeRow
	Form   Theme
	Errors []FormError
}

// FormErrors implements FormErrorsOf.
func (d *AdminThemesData) FormErrors() []FormError { return d.Errors }

// JournalFilters are the journal's filters as typed.
type JournalFilters struct{ Actor, Action, From, To, Target string }

// DetailView is one value of an audit entry.
type DetailView struct{ Key, Value string }

// AuditRow is one entry of the journal. ActorName is empty for the command
// line. TargetName is the name of the account, territory or theme the entry
// is about (Target its e-mail, code or slug), when known; the keys and values
// of Details are already translated.
type AuditRow struct {
	At                    time.Time
	ActorName, ActorEmail string
	Action, Target        string
	TargetName            string
	Details               []DetailView
}

// AdminJournalData is the journal of administrative changes, filtered.
type AdminJournalData struct {
	Filters    JournalFilters
	Actions    []string
	Entries    []AuditRow
	Pagination Pagination
	Errors     []FormError
}

// FormErrors implements FormErrorsOf.
func (d *AdminJournalData) FormErrors() []FormError { return d.Errors }

// Roles, AuditActions, InvitationStates, InvitationProblems, ResetProblems
// and ImportReasons list the values of the accounts and administration
// pages that are translated by key ("role.<v>", "audit.action.<v>",
// "admin.invitations.state.<v>", "invite.problem.<v>",
// "password.problem.<v>", "admin.territories.import.reason.<v>"). They
// mirror internal/passerelle and internal/service; Roles are also the
// options of the role selects.
var (
	Roles        = []string{"contributor", "moderator"}
	AuditActions = append([]string{"role.grant", "role.revoke", "invitation.create", "invitation.accept", "invitation.revoke",
		"user.create", "user.disable", "user.enable", "territory.create", "territory.update", "territory.import",
		"theme.create", "theme.update"}, append(MeetingAuditActions, append(IdentityAuditActions, "contact.send")...)...)
	InvitationStates   = []string{"pending", "accepted", "expired", "revoked"}
	InvitationProblems = []string{"not_found", "used", "expired", "revoked", "invalid", "taken", "rate_limited"}
	ResetProblems      = []string{"not_found", "used", "expired"}
	ImportReasons      = []string{"unreadable", "empty", "too_many", "missing_column", "bad_code", "missing_name",
		"long_name", "bad_level", "duplicate", "self_parent", "unknown_parent", "cycle"}
)
