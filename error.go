package vivier

import (
	"errors"
	"fmt"
)

// Error codes shared by every layer. The HTTP layer maps them to status codes
// in one place (templates.StatusFor); the worker decides on retries with them.
const (
	ECONFLICT     = "conflict"     // the change clashes with existing data
	EINTERNAL     = "internal"     // a bug or an unavailable dependency
	EINVALID      = "invalid"      // the input breaks a rule; Message says which
	EMALFORMED    = "malformed"    // the request cannot be read (bad JSON, bad parameter)
	ENOTFOUND     = "not_found"    // no such thing (or not visible to the caller)
	EUNAUTHORIZED = "unauthorized" // not signed in
	EFORBIDDEN    = "forbidden"    // signed in, not allowed
	ETOOMANY      = "too_many"     // rate limited
	EUNAVAILABLE  = "unavailable"  // a dependency is down; try again later
	ETOOLARGE     = "too_large"    // the request body is over the limit
)

// Error is an error a user may see: Message is French, written for them.
type Error struct {
	Code    string
	Message string
	// Field names the form field at fault, when there is one.
	Field string
}

func (e *Error) Error() string {
	return fmt.Sprintf("vivier: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with a French message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// FieldError returns an EINVALID error about one form field.
func FieldError(field, message string) *Error {
	return &Error{Code: EINVALID, Field: field, Message: message}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL for
// any other error and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the user-facing message of err: the *Error's own, or a
// generic French sentence that reveals nothing of an internal error.
func ErrorMessage(err error) string {
	var e *Error
	if errors.As(err, &e) && e.Message != "" {
		return e.Message
	}
	return "Une erreur interne est survenue. L'équipe technique a été prévenue ; veuillez réessayer dans quelques instants."
}
