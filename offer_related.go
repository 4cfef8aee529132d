package vivier

// RelatedOffer is a short line for "other offers" on an offer page.
type RelatedOffer struct {
	ID        int64     `db:"id"`
	Title     string    `db:"title"`
	Kind      OfferKind `db:"kind"`
	AdminName string    `db:"administration_name"`
}
