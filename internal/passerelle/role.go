package passerelle

// Role is what a user may do on a territory and everything below it.
type Role string

// The roles. Reader is what everyone is, signed in or not; admin is a property
// of the account (User.IsAdmin) rather than a grant on a territory: the
// authorizer gives enabled administrators the role on every territory.
const (
	RoleReader      Role = "reader"
	RoleContributor Role = "contributor"
	RoleModerator   Role = "moderator"
	RoleAdmin       Role = "admin"
)

// Grantable reports whether r can be granted on a territory.
func (r Role) Grantable() bool { return r == RoleContributor || r == RoleModerator }

// Grant is a role held by a user on a territory and every territory below it.
type Grant struct {
	UserID    int64
	Role      Role
	Territory string
}

// Permission is an action checked by the authorizer against the policy in
// policies/ for the territory of the object concerned.
type Permission string

// The permissions named in policies/policy.csv.
const (
	PermCreatePractice  Permission = "practice.create"  // write a new practice for the territory
	PermEditPractice    Permission = "practice.edit"    // edit, submit, withdraw one's own practice
	PermReadUnpublished Permission = "practice.review"  // read practices that are not published
	PermDecide          Permission = "practice.decide"  // approve, request changes, reject
	PermArchive         Permission = "practice.archive" // archive and unarchive
	PermReadQueue       Permission = "queue.read"       // see the review queue
	PermInvite          Permission = "user.invite"      // invite contributors on the territory
	PermManage          Permission = "admin.manage"     // users, roles, territories, themes
	PermOrganizeMeeting Permission = "meeting.organize" // create and run network meetings for the territory
)

// Permissions lists the permissions above, for the authorizer to resolve
// them all when it loads the policy.
var Permissions = []Permission{PermCreatePractice, PermEditPractice, PermReadUnpublished, PermDecide,
	PermArchive, PermReadQueue, PermInvite, PermManage, PermOrganizeMeeting}

// MayInvite reports whether an inviter may invite someone to role: an
// administrator to any role, anyone else only to contributor — and then
// only where the policy gives them PermInvite (checked by the caller
// against the territory).
func MayInvite(inviter *User, role Role) bool {
	if inviter == nil || inviter.Disabled() {
		return false
	}
	return inviter.IsAdmin() || role == RoleContributor
}
