package vivier

// The names of the worker's tasks, all of them: the work that a Store method
// hands to the worker by writing an outbox row in the transaction of the
// change, and the periodic work that the worker's scheduler enqueues. The
// worker registers a handler for each name here (jobs.Worker.Mux), and its
// scheduler enqueues the periodic ones (jobs' periodic table).
//
// A name is stored in outbox rows and in Redis's queues: never change the
// string of one, whatever the constant is called.

// The candidate's emails. The comment names the Store method that writes the
// task.
const (
	TaskApplicationReceived    = "email:application_received"    // Apply: the confirmation, with a new link to the candidate's space
	TaskAlreadyApplied         = "email:already_applied"         // Apply, again to one offer with one address: the link to the first application
	TaskTrackingLink           = "email:tracking_link"           // RequestTrackingLink (/suivi): a new link to the space
	TaskApplicationStatus      = "email:application_status"      // a move of the pipeline the recruiter chose to tell, an automatic refusal
	TaskRecruiterMessage       = "email:recruiter_message"       // SendRecruiterMessage: a recruiter's message
	TaskInterviewInvitation    = "email:interview_invitation"    // InviteToInterview: the invitation, with its ICS file and a new link
	TaskTransferProposed       = "email:transfer_proposed"       // ProposeTransfer: asks the candidate's consent to a transfer
	TaskApplicationTransferred = "email:application_transferred" // AcceptTransfer: which administration holds the application now
	TaskMergeConfirm           = "email:merge_confirm"           // RequestMerge: asks each of the two addresses to confirm
	TaskPoolInvitation         = "email:pool_invitation"         // InviteFromPool: an invitation to apply to an offer
	TaskDataExport             = "email:data_export"             // NoteDataExport: a copy of their data was taken
	TaskErasureDone            = "email:erasure_done"            // EraseCandidate: their data is erased (to the address the payload carries)
	TaskJobAlertConfirm        = "email:job_alert_confirm"       // SaveJobAlert: the link that confirms an alert, to its address
	TaskDocumentRequest        = "email:document_request"        // RequestDocuments: the documents asked, with a new link to the space
)

// The public agents' mobility space's emails.
const (
	TaskMobilityLink       = "email:mobility_link"       // RequestMobilityLink: a sign-in link, when the address is a public agent's
	TaskMobilityInvitation = "email:mobility_invitation" // InviteProfile: a recruiter's invitation to apply
)

// The agents' emails.
const (
	TaskAgentInvitationEmail = "email:agent_invitation"      // Invite: to the invited address, the link to join an administration
	TaskPasswordResetEmail   = "email:password_reset"        // RequestPasswordReset: to an active agent, the link to choose a password
	TaskNewApplication       = "email:new_application"       // Apply, AcceptTransfer: to the recruiters who want each application at once
	TaskApplicationWithdrawn = "email:application_withdrawn" // Withdraw: to the recruiters
	TaskCandidateMessage     = "email:candidate_message"     // SendCandidateMessage: to the recruiters
	TaskIdentityChanged      = "email:identity_changed"      // UpdateIdentityFromSpace: to the recruiters
	TaskNoteMention          = "email:note_mention"          // AddNote: to the agents the note mentions
	TaskInterviewAnswered    = "email:interview_answered"    // AnswerInterview: to the interviewers and the recruiters
	TaskCSPAuthAlert         = "email:csp_auth"              // RecordCSPAuthFailure: to the administrators, CSP refused the API key
	TaskSessionInterviewers  = "email:session_interviewers"  // Convoke, UpdateSession, CancelSession...: the session's event to its interviewers
	TaskOfferValidation      = "email:offer_validation"      // ApproveOffer, ReturnOffer: to the agent who submitted the offer
)

// Exchanges with other systems: publication to Choisir le Service Public
// and the SIRH export (whose tasks mail the agents who run exports too).
const (
	TaskCSPSync     = "csp:sync"     // an offer published or closed, publication turned on: send what is pending
	TaskSIRHHire    = "sirh:hire"    // a move to a hiring step: put the hire in a batch now, or leave it to the night
	TaskSIRHDeliver = "sirh:deliver" // a batch made, or an agent's request to deliver one again
	// TaskGeocodeOffer: any save of an offer with a place in a commune
	// (form, API, import): the places' coordinates from the BAN.
	TaskGeocodeOffer = "geo:offer"
	// TaskCommuneCentres: each minute, with a geocoder, the centres of the
	// most populated communes not known yet, so that "autour de" works
	// from any commune without waiting for an offer there.
	TaskCommuneCentres = "geo:communes"
)

// Periodic tasks, which no Store method writes: the worker's scheduler
// enqueues them (jobs holds their timetable).
const (
	TaskOffersDue          = "offers:due"                       // every minute: publish and close the offers whose date has come
	TaskMaintenance        = "maintenance:purge"                // hourly: purge what has served its time, end unanswered transfers and merges
	TaskInterviewReminders = "interviews:reminders"             // hourly: remind the candidates of tomorrow's interviews
	TaskSlotReminders      = "interviews:slot_reminders"        // hourly: remind the candidates who have not chosen their slot, the day before the deadline
	TaskDocumentReminders  = "documents:reminders"              // hourly: remind the candidates of documents due in two days
	TaskRetention          = "retention:daily"                  // nightly: the retention rules of personal data
	TaskSIRHNightly        = "sirh:nightly"                     // nightly: the night's SIRH batches
	TaskJobAlerts          = "job-alerts:daily"                 // daily: mail each confirmed job alert its new offers
	TaskAutoRefuse         = "applications:auto_refuse"         // daily: refuse the applications left without activity, where chosen
	TaskNotificationDigest = "notifications:digest"             // daily: the recruiters' digest of the day before's applications
	TaskResponseReminders  = "notifications:response_reminders" // daily: remind the recruiters of applications at 80 % of the promised time
	TaskRMFPSync           = "referentials:rmfp"                // daily, with INGRES credentials: the RMFP métiers from INGRES
	TaskOfferMatch         = "match:offers"                     // every minute: the skills (and vectors) of the offers saved since, for matching
)

// TaskTestEmail sends a test email (`vivier mail test someone@example.org`),
// written by the command itself (jobs.NewTestEmail): it proves the whole
// chain, outbox, relay, Redis, worker and SMTP.
const TaskTestEmail = "email:test"

// What a task's payload must hold: the worker skips one without it (its
// task is not retried: no retry could mend it).

func (p ApplicationTask) Valid() bool           { return p.ApplicationID != 0 }
func (p StatusTask) Valid() bool                { return p.ApplicationID != 0 && p.EventID != 0 }
func (p MessageTask) Valid() bool               { return p.ApplicationID != 0 && p.MessageID != 0 }
func (p CandidateTask) Valid() bool             { return p.CandidateID != 0 }
func (p InterviewTask) Valid() bool             { return p.InterviewID != 0 }
func (p SessionTask) Valid() bool               { return p.SessionID != 0 }
func (p TransferTask) Valid() bool              { return p.TransferID != 0 }
func (p MergeConfirmTask) Valid() bool          { return p.MergeID != 0 && p.CandidateID != 0 }
func (p PoolInvitationTask) Valid() bool        { return p.InvitationID != 0 }
func (p NoteMentionTask) Valid() bool           { return p.NoteID != 0 }
func (p JobAlertTask) Valid() bool              { return p.AlertID != 0 }
func (p InvitationEmailPayload) Valid() bool    { return p.InvitationID != 0 }
func (p PasswordResetEmailPayload) Valid() bool { return p.Email != "" }
func (p TrackingLinkPayload) Valid() bool       { return p.Email != "" }
func (p CSPTask) Valid() bool                   { return p.AdministrationID != 0 }
func (p SIRHHireTask) Valid() bool              { return p.AdministrationID != 0 && p.HireID != 0 }
func (p OfferValidationTask) Valid() bool       { return p.StepID != 0 }
func (p SIRHDeliverTask) Valid() bool           { return p.AdministrationID != 0 && p.BatchID != 0 }
