package vivier

import (
	"encoding/base64"
	"strconv"
	"strings"
	"time"
)

// ChangeCursor is a position in the change feed: the transaction that made
// a change and the offer it changed. Changes are served in this order, and
// only those of transactions older than every running one, so a position
// once passed is final.
type ChangeCursor struct {
	XID     uint64
	OfferID int64
}

// String is the cursor as clients see it: opaque, URL-safe.
func (c ChangeCursor) String() string {
	return base64.RawURLEncoding.EncodeToString([]byte("c" + strconv.FormatUint(c.XID, 10) + "." + strconv.FormatInt(c.OfferID, 10)))
}

// ParseChangeCursor reads a cursor that String gave; "" is the start.
func ParseChangeCursor(s string) (ChangeCursor, error) {
	if s == "" {
		return ChangeCursor{}, nil
	}
	bad := Errorf(EINVALID, "Le curseur « apres » n'est pas valide : passez la valeur « suivant » ou « curseur » d'une réponse précédente, ou rien pour commencer.")
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || !strings.HasPrefix(string(b), "c") {
		return ChangeCursor{}, bad
	}
	x, id, ok := strings.Cut(string(b[1:]), ".")
	xid, err1 := strconv.ParseUint(x, 10, 64)
	oid, err2 := strconv.ParseInt(id, 10, 64)
	if !ok || err1 != nil || err2 != nil || oid < 0 {
		return ChangeCursor{}, bad
	}
	return ChangeCursor{XID: xid, OfferID: oid}, nil
}

// OfferChange is one entry of the change feed: the offer as it is now on
// the public site (Offer set, Status "publiee" or "cloturee"), or a
// tombstone (Offer nil, Reason says why it left the site).
type OfferChange struct {
	OfferID   int64
	Cursor    ChangeCursor
	ChangedAt time.Time
	Status    string
	Reason    string
	Offer     *Offer
	Employer  string
}

// Tombstone says the offer is no longer on the site.
func (c *OfferChange) Tombstone() bool { return c.Offer == nil }
