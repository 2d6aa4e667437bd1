package passerelle

import "time"

// AuditEntry records one administrative change: who made it, when, what it
// was and on what. Entries are written in the transaction of the change they
// describe, so the journal never tells of a change that did not happen nor
// misses one that did.
type AuditEntry struct {
	ID         int64
	At         time.Time
	ActorID    int64  // 0: the command line
	ActorName  string // filled when read
	ActorEmail string // filled when read
	TargetName string // filled when read: the name of the account whose e-mail is Target, if any
	Action     AuditAction
	Target     string            // what the change is on: an e-mail, a territory code, a theme slug
	Details    map[string]string // the values of the change
}

// AuditAction names a kind of administrative change.
type AuditAction string

// The administrative changes written to the audit log.
const (
	AuditRoleGrant        AuditAction = "role.grant"
	AuditRoleRevoke       AuditAction = "role.revoke"
	AuditInvitationCreate AuditAction = "invitation.create"
	AuditInvitationAccept AuditAction = "invitation.accept"
	AuditInvitationRevoke AuditAction = "invitation.revoke"
	AuditUserCreate       AuditAction = "user.create"
	AuditUserDisable      AuditAction = "user.disable"
	AuditUserEnable       AuditAction = "user.enable"
	AuditTerritoryCreate  AuditAction = "territory.create"
	AuditTerritoryUpdate  AuditAction = "territory.update"
	AuditTerritoryImport  AuditAction = "territory.import"
	AuditThemeCreate      AuditAction = "theme.create"
	AuditThemeUpdate      AuditAction = "theme.update"
)

// AuditActions lists every audit action, for filters; those of meetings
// are in meeting.go, those of provider sign-in in identity.go.
var AuditActions = append(append([]AuditAction{
	AuditRoleGrant, AuditRoleRevoke, AuditInvitationCreate, AuditInvitationAccept, AuditInvitationRevoke,
	AuditUserCreate, AuditUserDisable, AuditUserEnable, AuditTerritoryCreate, AuditTerritoryUpdate,
	AuditTerritoryImport, AuditThemeCreate, AuditThemeUpdate,
}, MeetingAuditActions...), append(IdentityAuditActions, AuditContact)...)
