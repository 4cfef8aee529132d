package vivier

import (
	"sync"
	"time"
	_ "time/tzdata" // Paris time whatever the host's zone database
)

// Paris is the time zone of Vivier's users: the dates agents type, and those
// shown on pages, in emails and in SIRH files. The zone database is embedded
// in the binary (time/tzdata), so it is read from there, once.
func Paris() *time.Location { return parisZone() }

var parisZone = sync.OnceValue(func() *time.Location {
	loc, err := time.LoadLocation("Europe/Paris")
	if err != nil {
		// Only a binary built without time/tzdata gets here.
		return time.FixedZone("CET", 3600)
	}
	return loc
})
