package vivier

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// The SIRH export hands every hire to the administration's HR information
// system, so that nobody types the agent's file again. A hire is an
// application reaching the administration's last step of the "acceptée"
// category ("Recrutée" by default); the move records, in its own
// transaction, an export record with only what the SIRH needs to open the
// file (identity, contact, offer, employer, nature, catégorie, start date,
// references of the documents) and an outbox row. The worker puts records
// into batches — one per hire, or one a night — writes each batch in the
// administration's format and delivers it to a folder or a signed webhook.
//
// A record belongs to one batch, ever: a hire is never exported twice,
// except when an agent asks for a batch again.

// SIRHHireTask is the payload of TaskSIRHHire.
type SIRHHireTask struct {
	AdministrationID int64 `json:"administration_id"`
	HireID           int64 `json:"hire_id"`
}

// SIRHDeliverTask is the payload of TaskSIRHDeliver.
type SIRHDeliverTask struct {
	AdministrationID int64  `json:"administration_id"`
	BatchID          int64  `json:"batch_id"`
	Redelivery       bool   `json:"redelivery,omitempty"` // an agent's request: delivered even if delivered before
	By               string `json:"by,omitempty"`         // the agent's email, for the delivery log
}

// Natures of a hire.
const (
	NatureTitulaire   = "titulaire"
	NatureContractuel = "contractuel"
)

// HireDetails is what the recruiter may say when accepting: both optional,
// the offer's planned start and contract decide otherwise.
type HireDetails struct {
	StartDate *time.Time
	Nature    string // "", NatureTitulaire or NatureContractuel
}

// Destinations, formats and cadences of the settings.
const (
	SIRHFolder    = "dossier"
	SIRHWebhook   = "webhook"
	SIRHCSV       = "csv"
	SIRHJSONLines = "jsonl"
	SIRHHROpen    = "hropen"
	SIRHImmediate = "immediat"
	SIRHNightly   = "nuit"
)

// SIRHFormatVersions names each format with its version, written in every
// file: a receiver can tell which columns or fields to expect.
var SIRHFormatVersions = map[string]string{
	SIRHCSV:       "vivier-sirh-csv/1",
	SIRHJSONLines: "vivier-sirh-jsonl/1",
	SIRHHROpen:    "vivier-sirh-hropen/1",
}

// SIRHFormatLabels are the formats' French names.
var SIRHFormatLabels = map[string]string{
	SIRHCSV:       "CSV pour tableur (UTF-8, séparateur point-virgule)",
	SIRHJSONLines: "JSON Lines (un recrutement par ligne)",
	SIRHHROpen:    "Document JSON HR Open Standards",
}

// SIRHSettings are an administration's export settings. The webhook's
// signing secret is kept sealed by the platform's SecretBox, like CSP's API
// keys; the clear column of the first versions (LegacySecret) is read only
// until `vivier migrate up` or `vivier rotate-secrets` seals it, or the
// settings are saved again.
type SIRHSettings struct {
	AdministrationID int64     `db:"administration_id"`
	Destination      string    `db:"destination"`
	Format           string    `db:"format"`
	Cadence          string    `db:"cadence"`
	WebhookURL       string    `db:"webhook_url"`
	SecretSealed     []byte    `db:"webhook_secret_sealed"`
	LegacySecret     string    `db:"webhook_secret"`
	UpdatedAt        time.Time `db:"updated_at"`
	// WebhookSecret is the secret in clear: set by SaveSIRHSettings and
	// OpenWebhookSecret only, never stored so.
	WebhookSecret string `db:"-"`
}

// sirhSecretContext binds a sealed webhook secret to its administration.
func sirhSecretContext(adminID int64) string {
	return "sirh-webhook-secret:" + strconv.FormatInt(adminID, 10)
}

// HasWebhookSecret reports whether a secret is recorded, sealed or not.
func (s SIRHSettings) HasWebhookSecret() bool {
	return len(s.SecretSealed) > 0 || s.LegacySecret != ""
}

// OpenWebhookSecret returns the webhook's secret in clear (and keeps it in
// WebhookSecret), for the worker that signs and the page that shows it.
func (s *SIRHSettings) OpenWebhookSecret(box *SecretBox) (string, error) {
	switch {
	case len(s.SecretSealed) > 0 && box == nil:
		return "", fmt.Errorf("SIRH webhook secret of administration %d: no CSP_SECRET_KEY to open it", s.AdministrationID)
	case len(s.SecretSealed) > 0:
		v, err := box.Open(s.SecretSealed, sirhSecretContext(s.AdministrationID))
		if err != nil {
			return "", fmt.Errorf("SIRH webhook secret of administration %d: %w", s.AdministrationID, err)
		}
		s.WebhookSecret = v
	case s.LegacySecret != "":
		s.WebhookSecret = s.LegacySecret
	default:
		return "", fmt.Errorf("no SIRH webhook secret for administration %d", s.AdministrationID)
	}
	return s.WebhookSecret, nil
}

// DefaultSIRHSettings: a CSV file per hire in the export folder.
func DefaultSIRHSettings(adminID int64) SIRHSettings {
	return SIRHSettings{AdministrationID: adminID, Destination: SIRHFolder, Format: SIRHCSV, Cadence: SIRHImmediate}
}

// BatchFormat is the format a new batch is written in: a webhook receives
// JSON, the HR Open document unless JSON Lines were chosen.
func (s SIRHSettings) BatchFormat() string {
	if s.Destination == SIRHWebhook && s.Format == SIRHCSV {
		return SIRHHROpen
	}
	return s.Format
}

// Validate checks the settings, in French; the webhook's address by the
// platform's policy for the addresses tenants configure.
func (s *SIRHSettings) Validate(ctx context.Context, p OutboundPolicy) error {
	s.WebhookURL = strings.TrimSpace(s.WebhookURL)
	switch {
	case !oneOf(s.Destination, []string{SIRHFolder, SIRHWebhook}):
		return FieldError("destination", "Choisissez la destination : dossier ou webhook.")
	case SIRHFormatVersions[s.Format] == "":
		return FieldError("format", "Choisissez un format dans la liste.")
	case !oneOf(s.Cadence, []string{SIRHImmediate, SIRHNightly}):
		return FieldError("cadence", "Choisissez quand envoyer : à chaque recrutement ou chaque nuit.")
	}
	if s.WebhookURL == "" {
		if s.Destination == SIRHWebhook {
			return FieldError("webhook_url", "Saisissez l'adresse du webhook (https://…).")
		}
		return nil
	}
	u, err := url.Parse(s.WebhookURL)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" || u.User != nil || u.Fragment != "" || len(s.WebhookURL) > 500 {
		return FieldError("webhook_url", "Saisissez une adresse https:// complète, sans identifiant ni mot de passe, par exemple https://sirh.exemple.gouv.fr/vivier.")
	}
	if err := p.CheckURL(ctx, "webhook_url", u); err != nil {
		return err
	}
	return nil
}

// NewWebhookSecret returns a random secret for the HMAC signature.
func NewWebhookSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b)
	return "whsec_" + hex.EncodeToString(b)
}

// Batch states.
const (
	BatchPending   = "pending"
	BatchDelivered = "delivered"
	BatchFailed    = "failed"
)

// SIRHBatch is a set of hires delivered together, as one file.
type SIRHBatch struct {
	ID               int64      `db:"id"`
	AdministrationID int64      `db:"administration_id"`
	Kind             string     `db:"kind"`
	Format           string     `db:"format"`
	Destination      string     `db:"destination"`
	State            string     `db:"state"`
	Hires            int        `db:"hires"`
	Checksum         string     `db:"checksum"`
	Size             int64      `db:"size"`
	CreatedAt        time.Time  `db:"created_at"`
	DeliveredAt      *time.Time `db:"delivered_at"`
	LastError        string     `db:"last_error"`
	LastAnswer       string     `db:"last_answer"` // the last delivery's outcome, for the history screen
}

// StateLabel is the batch's state in French.
func (b SIRHBatch) StateLabel() string {
	switch b.State {
	case BatchDelivered:
		return "livré"
	case BatchFailed:
		return "en échec"
	}
	return "en attente"
}

// Extension is the file name's extension for the batch's format.
func (b SIRHBatch) Extension() string {
	switch b.Format {
	case SIRHCSV:
		return "csv"
	case SIRHJSONLines:
		return "jsonl"
	}
	return "json"
}

// FileName is the batch's file name, the same at every delivery so that a
// re-delivery replaces the file rather than adding one.
func (b SIRHBatch) FileName(slug string) string {
	return "vivier-sirh-" + slug + "-" + b.CreatedAt.UTC().Format("20060102") + "-lot" + strconv.FormatInt(b.ID, 10) + "." + b.Extension()
}

// ContentType is the batch file's media type.
func (b SIRHBatch) ContentType() string {
	switch b.Format {
	case SIRHCSV:
		return "text/csv; charset=utf-8"
	case SIRHJSONLines:
		return "application/jsonl; charset=utf-8"
	}
	return "application/json; charset=utf-8"
}

// SIRHDelivery is one attempt to deliver a batch, with the answer.
type SIRHDelivery struct {
	BatchID          int64     `db:"batch_id"`
	AdministrationID int64     `db:"administration_id"`
	Request          string    `db:"request"`
	RequestedBy      string    `db:"requested_by"`
	Attempt          int       `db:"attempt"`
	At               time.Time `db:"at"`
	OK               bool      `db:"ok"`
	StatusCode       *int      `db:"status_code"`
	Answer           string    `db:"answer"`
	Error            string    `db:"error"`
	Checksum         string    `db:"checksum"`
}
