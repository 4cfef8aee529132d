package vivier

import (
	"context"
	"io"
)

// Transfers. Within the administration, an application moves to another
// offer and keeps its step and history. To another administration, the
// candidate decides (transfer_consent.go).

// CategoryTransferred is an application sent to another administration:
// closed where it was, like a withdrawal, with no step.
const CategoryTransferred Category = "transferee"

func copyFile(ctx context.Context, files FileStore, from, to, contentType string) error {
	r, err := files.Open(ctx, from)
	if err != nil {
		return err
	}
	defer func() { _ = r.Close() }() // what was read is all that counts
	data, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	return files.Put(ctx, to, data, contentType)
}

// TransferOrigin says where an application transferred from another
// administration came from.
type TransferOrigin struct {
	AdminName  string  `db:"administration_name"`
	OfferTitle *string `db:"offer_title"`
}
