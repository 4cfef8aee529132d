package admin

// poolRoutes are the routes of the steps editor, the talent pool, the
// duplicates, the transfers and the correction of a candidate's details.
func (h *Handler) poolRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/:adm/etapes", Access: administration, Perm: "pipeline:manage", handler: h.stepsPage},
		{Method: "POST", Path: "/:adm/etapes", Access: administration, Perm: "pipeline:manage", handler: h.addStep},
		{Method: "POST", Path: "/:adm/etapes/:step", Access: administration, Perm: "pipeline:manage", handler: h.updateStep},
		{Method: "POST", Path: "/:adm/etapes/:step/deplacement", Access: administration, Perm: "pipeline:manage", handler: h.moveStep},
		{Method: "POST", Path: "/:adm/etapes/:step/suppression", Access: administration, Perm: "pipeline:manage", handler: h.removeStep},
		{Method: "POST", Path: "/:adm/motifs", Access: administration, Perm: "pipeline:manage", handler: h.addReason},
		{Method: "POST", Path: "/:adm/motifs/:reason", Access: administration, Perm: "pipeline:manage", handler: h.updateReason},
		{Method: "POST", Path: "/:adm/motifs/:reason/statut", Access: administration, Perm: "pipeline:manage", handler: h.setReasonActive},
		{Method: "GET", Path: "/:adm/vivier", Access: administration, Perm: "applications:read", handler: h.poolPage},
		{Method: "POST", Path: "/:adm/vivier/:candidate/invitation", Access: administration, Perm: "applications:decide", handler: h.inviteFromPool},
		{Method: "GET", Path: "/:adm/doublons", Access: administration, Perm: "candidates:merge", handler: h.duplicatesPage},
		{Method: "POST", Path: "/:adm/doublons/fusion", Access: administration, Perm: "candidates:merge", handler: h.mergeCandidates},
		{Method: "POST", Path: "/:adm/candidatures/:application/transfert", Access: administration, Perm: "applications:decide", handler: h.transferApplication},
		{Method: "POST", Path: "/:adm/candidatures/:application/coordonnees", Access: administration, Perm: "applications:decide", handler: h.correctIdentity},
	}
}
