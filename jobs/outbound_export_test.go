package jobs

import "io"

// OutboundSummary is what a tenant reads of a failed exchange.
func OutboundSummary(err error) string { return outboundFailure(err).Summary }

// StatusSummary is what a tenant reads of an answer that is no success.
func StatusSummary(code int) string { return statusFailure(code).Summary }

// ReadOutboundBody reads an answer with a limit.
func ReadOutboundBody(r io.Reader, limit int64) ([]byte, error) { return readOutboundBody(r, limit) }
