package vivier

import "time"

// StoredFile is a file of an application, as kept.
type StoredFile struct {
	ID            int64     `db:"id" json:"-"`
	ApplicationID int64     `db:"application_id" json:"candidature"`
	Kind          string    `db:"kind" json:"type"`
	Key           string    `db:"file_key" json:"-"`
	Name          string    `db:"name" json:"nom"`
	ContentType   string    `db:"content_type" json:"format"`
	Size          int64     `db:"size" json:"taille"`
	SHA256        string    `db:"sha256" json:"sha256"`
	CreatedAt     time.Time `db:"created_at" json:"envoye_le"`
	Text          string    `db:"text" json:"-"` // extracted at upload; read for the recruiters' view only
}
