// Package vivier is the domain of Vivier, the recruitment back-office of the
// French public service: its types (administrations, agents, ...), their
// rules, the error codes every layer speaks, and the Store that persists them
// in PostgreSQL.
//
// The package imports no HTTP code: handlers in admin and candidate, and tasks
// in jobs, call the Store and map its error codes to their own world.
package vivier
