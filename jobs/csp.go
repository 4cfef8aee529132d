package jobs

import (
	"context"
	"errors"
	"strconv"

	"vivier"
)

// The publication to Choisir le Service Public. An offer change writes a
// pending row and (at most one waiting) outbox row for its administration;
// the task sends what is pending, 100 offers per call, archives one offer
// per call, each call within CSP's quota. An offer CSP refuses is rejected
// with its reasons and waits for the recruiter; network failures and 5xx
// are retried by Asynq; a refused key stops the sending and alerts the
// administrators.

func (w *Worker) handleCSPSync(ctx context.Context, p vivier.CSPTask) error {
	adm := p.AdministrationID
	id, err := runningID(ctx)
	if err != nil {
		return err
	}
	st, err := w.store.CSPSettingsOf(ctx, adm)
	if err != nil {
		return err
	}
	base := st.APIURL
	if base == "" {
		base = w.cfg.CSP.DefaultURL
	}
	if !st.Enabled || st.AuthError != "" || base == "" || st.SourceID == nil {
		return nil // off, or waiting for a new key: the offers stay pending
	}
	key, err := st.OpenCSPKey(w.cfg.CSP.Box)
	if err != nil {
		w.log.WarnContext(ctx, "CSP key cannot be opened", "administration", adm, "err", err)
		return w.store.RecordCSPAuthFailure(ctx, adm, id,
			"La clé d'API enregistrée ne peut plus être déchiffrée (clé de chiffrement de la plateforme changée) : enregistrez-la de nouveau.")
	}
	c := &cspClient{sender: w.csp, http: w.csp.client(w.store.OutboundPolicy()), log: w.log, adm: adm,
		base: base, key: key, source: *st.SourceID, account: cspAccount(base, key)}
	for {
		claims, err := w.store.ClaimCSP(ctx, adm, id, vivier.CSPBatchSize)
		if err != nil || len(claims) == 0 {
			return err
		}
		results, err := w.cspBatch(ctx, c, adm, claims)
		if ferr := w.store.FinishCSP(ctx, adm, id, results); ferr != nil {
			return ferr
		}
		var f *cspFailure
		switch {
		case err == nil:
			continue
		case errors.As(err, &f) && f.Auth:
			w.log.WarnContext(ctx, "CSP refused the key", "administration", adm, "status", f.Status)
			return w.store.RecordCSPAuthFailure(ctx, adm, id, f.Message)
		default:
			if rerr := w.store.ReleaseCSP(ctx, adm, id, cspMessage(err)); rerr != nil {
				return rerr
			}
			return err // Asynq retries later, with its backoff
		}
	}
}

func cspMessage(err error) string {
	var f *cspFailure
	if errors.As(err, &f) {
		return f.Message
	}
	return "Envoi interrompu : nouvel essai automatique."
}

// cspBatch makes the calls for claimed offers and returns what became of
// them; on a failure it returns the results obtained before it.
func (w *Worker) cspBatch(ctx context.Context, c *cspClient, adm int64, claims []vivier.CSPClaim) ([]vivier.CSPResult, error) {
	ids := make([]int64, len(claims))
	for i, cl := range claims {
		ids[i] = cl.OfferID
	}
	offers, err := w.store.OffersByIDs(ctx, adm, ids)
	if err != nil {
		return nil, err
	}
	codes, err := w.store.MetierCodes(ctx, offers)
	if err != nil {
		return nil, err
	}
	skills, err := w.store.CompetenceLabels(ctx, adm, ids)
	if err != nil {
		return nil, err
	}
	byID := map[int64]*vivier.Offer{}
	for i := range offers {
		byID[offers[i].ID] = &offers[i]
	}
	var results, sending []vivier.CSPResult
	var payload []vivier.CSPLabOffer
	var archives []vivier.CSPClaim
	for _, cl := range claims {
		o := byID[cl.OfferID]
		r := vivier.CSPResult{OfferID: cl.OfferID, RequestedAt: cl.RequestedAt}
		switch {
		case o == nil:
			results = append(results, r)
		case cl.Pending == "archive":
			archives = append(archives, cl)
		case o.Status != vivier.OfferPublished:
			results = append(results, r) // closed meanwhile: its archiving is queued
		default:
			code := ""
			if o.MetierID != nil {
				code = codes[*o.MetierID]
			}
			co, missing := vivier.NewCSPOffer(o, code, w.cfg.BaseURL, skills[o.ID])
			r.Reference = o.Reference
			if len(missing) > 0 {
				r.State, r.Errors = vivier.CSPRejected, missing
				results = append(results, r)
				continue
			}
			sending = append(sending, r)
			payload = append(payload, co)
		}
	}
	if len(payload) > 0 {
		resp, err := c.upsert(ctx, payload)
		var f *cspFailure
		switch {
		case errors.As(err, &f) && f.Refused:
			for _, r := range sending {
				r.State = vivier.CSPRejected
				r.Errors = []vivier.CSPFieldError{{Field: "", Label: vivier.CSPFieldLabel(""), Messages: []string{f.Message}}}
				results = append(results, r)
			}
		case err != nil:
			return results, err
		default:
			refused := map[string]any{}
			for _, e := range resp.Errors {
				refused[e.Offer.Reference] = e.Error
			}
			for _, r := range sending {
				if e, ok := refused[r.Reference]; ok {
					r.State, r.Errors = vivier.CSPRejected, vivier.CSPErrors(e)
					if len(r.Errors) == 0 {
						r.Errors = []vivier.CSPFieldError{{Label: vivier.CSPFieldLabel(""), Messages: []string{"Refusée sans motif précisé."}}}
					}
				} else {
					r.State = vivier.CSPSent
				}
				results = append(results, r)
			}
		}
	}
	for _, cl := range archives {
		ref := byID[cl.OfferID].Reference
		if cl.SentReference != nil {
			ref = *cl.SentReference
		}
		r := vivier.CSPResult{OfferID: cl.OfferID, RequestedAt: cl.RequestedAt, State: vivier.CSPArchived}
		if err := c.archive(ctx, ref); err != nil {
			var f *cspFailure
			if !errors.As(err, &f) || !f.Refused {
				return results, err
			}
			r.State = vivier.CSPRejected
			r.Errors = []vivier.CSPFieldError{{Label: vivier.CSPFieldLabel(""), Messages: []string{f.Message}}}
		}
		results = append(results, r)
	}
	return results, nil
}

// handleCSPAuthAlert tells the administration's administrators that CSP
// refused its key, once each.
func (w *Worker) handleCSPAuthAlert(ctx context.Context, p vivier.CSPTask) error {
	adm := p.AdministrationID
	task, err := taskKey(ctx)
	if err != nil {
		return err
	}
	st, err := w.store.CSPSettingsOf(ctx, adm)
	if err != nil || st.AuthError == "" {
		return err // a new key was given meanwhile
	}
	a, err := w.store.AdministrationByID(ctx, adm)
	if err != nil {
		return err
	}
	agents, err := w.store.Administrators(ctx, adm)
	if err != nil {
		return err
	}
	data := map[string]any{"Adm": a, "Reason": st.AuthError, "URL": w.cfg.BaseURL + "/admin/" + a.Slug + "/csp"}
	for _, ag := range agents {
		key := task + ":" + strconv.FormatInt(ag.ID, 10)
		if _, err := w.sendTemplate(ctx, key, "csp_auth_failed", ag.Email, &adm, data); err != nil {
			return err
		}
	}
	return nil
}
