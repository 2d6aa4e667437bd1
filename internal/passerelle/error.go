package passerelle

import (
	"errors"
	"fmt"
	"time"
)

// Error codes, each mapped to one HTTP status by the web layer.
const (
	EInvalid      = "invalid_request"        // malformed input, unknown parameter values
	EValidation   = "validation_failed"      // well-formed input that breaks a rule; Fields says where
	EUnauthn      = "unauthenticated"        // no or bad credentials
	EForbidden    = "forbidden"              // authenticated, but no role covers the action
	ENotFound     = "not_found"              // missing, or exists but the caller may not see it
	EConflict     = "conflict"               // wrong state, stale version, lost race, duplicate
	EPrecondition = "precondition_failed"    // a stale version sent in an If-Match header (HTTP 412)
	ETooLarge     = "too_large"              // body or file over the limit
	EUnsupported  = "unsupported_media_type" // content type refused
	ERateLimited  = "rate_limited"           // too many attempts
	EUnavailable  = "unavailable"            // the database or the disk cannot serve now; try again later
	EInternal     = "internal"               // anything else; never shown in detail
)

// Error is an error that is safe to show to a user: Message never carries
// internal details. Fields names the faulty input fields of a validation error,
// each with a message key (see FieldError constants) that the web layer
// translates for people.
type Error struct {
	Code    string
	Message string
	Fields  map[string]string
	// RetryAfter, for rate_limited, is how long the client waits before
	// trying again (the web layer's Retry-After).
	RetryAfter time.Duration
}

// Error implements the error interface.
func (e *Error) Error() string {
	if len(e.Fields) > 0 {
		return fmt.Sprintf("passerelle error: code=%s message=%s fields=%v", e.Code, e.Message, e.Fields)
	}
	return fmt.Sprintf("passerelle error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted, user-safe message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of err when it is (or wraps) an *Error, EInternal
// otherwise, and "" for a nil error.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EInternal
}

// ErrorMessage returns the user-safe message of err, or a generic message for
// internal errors.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Message
	}
	return "Internal error."
}

// Field error reasons. They are stable identifiers, used as the values of
// Error.Fields and translated by the web layer.
const (
	FieldRequired = "required"
	FieldUnknown  = "unknown"
	FieldInvalid  = "invalid"
	FieldTooLong  = "too_long"
	FieldTooShort = "too_short"
	FieldTaken    = "taken"
)

// Validation collects field errors; its Err method returns nil when there are
// none, or a validation_failed *Error naming every faulty field.
type Validation map[string]string

// Add records reason for field unless the field already has a reason.
func (v Validation) Add(field, reason string) {
	if _, ok := v[field]; !ok {
		v[field] = reason
	}
}

// Err returns the validation error, or nil when no field failed.
func (v Validation) Err() error {
	if len(v) == 0 {
		return nil
	}
	return &Error{Code: EValidation, Message: "Some fields are missing or invalid.", Fields: v}
}
