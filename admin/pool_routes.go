package admin

import "vivier/policies"

// poolRoutes are the routes of the steps editor, the talent pool, the
// duplicates, the transfers and the correction of a candidate's details.
func (h *Handler) poolRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/:adm/etapes", Access: administration, perm: policies.PipelineManage, handler: h.stepsPage},
		{Method: "POST", Path: "/:adm/etapes", Access: administration, perm: policies.PipelineManage, handler: h.addStep},
		{Method: "POST", Path: "/:adm/etapes/:step", Access: administration, perm: policies.PipelineManage, handler: h.updateStep},
		{Method: "POST", Path: "/:adm/etapes/:step/deplacement", Access: administration, perm: policies.PipelineManage, handler: h.moveStep},
		{Method: "POST", Path: "/:adm/etapes/:step/suppression", Access: administration, perm: policies.PipelineManage, handler: h.removeStep},
		{Method: "POST", Path: "/:adm/motifs", Access: administration, perm: policies.PipelineManage, handler: h.addReason},
		{Method: "POST", Path: "/:adm/motifs/:reason", Access: administration, perm: policies.PipelineManage, handler: h.updateReason},
		{Method: "POST", Path: "/:adm/motifs/:reason/statut", Access: administration, perm: policies.PipelineManage, handler: h.setReasonActive},
		{Method: "GET", Path: "/:adm/vivier", Access: administration, perm: policies.ApplicationsRead, handler: h.poolPage},
		{Method: "GET", Path: "/:adm/vivier/:candidate/invitation", Access: administration, perm: policies.ApplicationsDecide, handler: h.poolInvitationPage},
		{Method: "POST", Path: "/:adm/vivier/:candidate/invitation", Access: administration, perm: policies.ApplicationsDecide, handler: h.inviteFromPool},
		{Method: "GET", Path: "/:adm/doublons", Access: administration, perm: policies.CandidatesMerge, handler: h.duplicatesPage},
		{Method: "POST", Path: "/:adm/doublons/fusion", Access: administration, perm: policies.CandidatesMerge, handler: h.mergeCandidates},
		{Method: "POST", Path: "/:adm/candidatures/:application/transfert", Access: administration, perm: policies.ApplicationsDecide, handler: h.transferApplication},
		{Method: "POST", Path: "/:adm/candidatures/:application/coordonnees", Access: administration, perm: policies.ApplicationsDecide, handler: h.correctIdentity},
	}
}
