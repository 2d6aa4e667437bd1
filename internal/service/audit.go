package service

import (
	"context"
	"slices"
	"strconv"
	"strings"
	"time"
	_ "time/tzdata" // dates of the journal are days in Paris

	"github.com/uptrace/bun"

	"github.com/passerelle/passerelle/internal/passerelle"
	"github.com/passerelle/passerelle/internal/store"
)

// audit writes one entry of the audit log in tx, the transaction of the
// change it records. actor nil is the command line.
func audit(ctx context.Context, tx bun.IDB, actor Actor, action passerelle.AuditAction, target string, details map[string]string) error {
	e := &passerelle.AuditEntry{Action: action, Target: target, Details: details}
	if actor != nil {
		e.ActorID = actor.ID
	}
	return store.InsertAudit(ctx, tx, e)
}

// journalZone is the time zone of the journal's day filters.
var journalZone = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Paris"); err == nil {
		return loc
	}
	return time.UTC
}()

// JournalPerPage is the number of entries on a page of the journal.
const JournalPerPage = 50

// JournalQuery filters the audit log. Every field is optional: Actor is an
// account's e-mail or "cli" (the command line), Action one of
// passerelle.AuditActions, From and To days (YYYY-MM-DD, in Paris, both
// included), Target an e-mail, territory code or theme slug, Page from 1.
type JournalQuery struct {
	Actor, Action, From, To, Target, Page string
}

// Journal is one page of the audit log.
type Journal struct {
	Entries []passerelle.AuditEntry
	Total   int
	Page    int
	PerPage int
}

// Journal returns the audit log, newest first, filtered by q (admins only).
// Errors: unauthenticated, forbidden, invalid_request (an unknown action or
// account, a malformed day or page, naming the parameter).
func (s *Service) Journal(ctx context.Context, actor Actor, q JournalQuery) (*Journal, error) {
	if err := mustAdmin(actor, "Only administrators read the journal."); err != nil {
		return nil, err
	}
	bad := passerelle.Validation{}
	f := store.AuditFilter{Limit: JournalPerPage, Target: strings.TrimSpace(q.Target)}
	switch who := strings.TrimSpace(q.Actor); {
	case who == "":
	case who == "cli":
		f.Actor = new(int64)
	default:
		u, _, err := store.UserByEmail(ctx, s.DB.Read, passerelle.NormalizeEmail(who))
		if passerelle.ErrorCode(err) == passerelle.ENotFound {
			bad.Add("actor", passerelle.FieldUnknown)
		} else if err != nil {
			return nil, err
		} else {
			f.Actor = &u.ID
		}
	}
	if q.Action != "" {
		if !slices.Contains(passerelle.AuditActions, passerelle.AuditAction(q.Action)) {
			bad.Add("action", passerelle.FieldUnknown)
		}
		f.Action = q.Action
	}
	day := func(field, v string) time.Time {
		if v == "" {
			return time.Time{}
		}
		d, err := time.ParseInLocation(time.DateOnly, v, journalZone)
		if err != nil {
			bad.Add(field, passerelle.FieldInvalid)
		}
		return d
	}
	f.From = day("from", q.From)
	if to := day("to", q.To); !to.IsZero() {
		f.To = to.AddDate(0, 0, 1)
	}
	page := 1
	if q.Page != "" {
		n, err := strconv.Atoi(q.Page)
		if err != nil || n < 1 || n > 100_000 {
			bad.Add("page", passerelle.FieldInvalid)
		}
		page = n
	}
	if len(bad) > 0 {
		return nil, &passerelle.Error{Code: passerelle.EInvalid, Message: "Unknown or malformed filter.", Fields: bad}
	}
	f.Offset = (page - 1) * JournalPerPage
	entries, total, err := store.ListAudit(ctx, s.DB.Read, f)
	if err != nil {
		return nil, err
	}
	return &Journal{Entries: entries, Total: total, Page: page, PerPage: JournalPerPage}, nil
}

// mustAdmin refuses everyone but an enabled administrator.
func mustAdmin(actor Actor, msg string) error {
	if actor == nil {
		return SignInNeeded()
	} else if !actor.IsAdmin() {
		return forbidden(msg)
	}
	return nil
}

// cliOrAdmin lets the command line (nil) and administrators through.
func cliOrAdmin(actor Actor, msg string) error {
	if actor != nil && !actor.IsAdmin() {
		return forbidden(msg)
	}
	return nil
}
