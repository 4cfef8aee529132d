package vivier

// The equality figures of the statistics page: per civility, how many
// applications of the cohort reached each stage. It runs after statsScope,
// in the page's transaction, over the same cohort as the other figures.
//
// The stages are read from the pipeline's categories, which every
// administration shares whatever it names its steps:
//   - présélectionnée: the application left the first screening (the steps of
//     category nouvelle) for a recruiter's step of en_cours or acceptee, at
//     any time; a refusal or a withdrawal straight from nouvelle is not one;
//   - entretien: it reached an en_cours step named for an interview or an oral
//     (entretien, jury, oral, as the seeded pipeline names them: steps carry
//     no kind), or it had an interview or a convocation that was neither
//     replaced, cancelled nor declined, and where it was not marked absent;
//   - recrutée: it reached acceptee, as the page's "recrutements".
//
// The civility is the one the candidate gave on the application; an erased
// application (anonymisee) counts as "not given" even if a civility were
// left. Events of the cohort are never older than the period's start. The
// scope's interviews are read once, into a hash, rather than looked up for
// each application. On 100 000 applications in a year (BenchmarkStatistics)
// this query takes about as long as the summary's.
const statsEqualitySQL = `,
	interview_steps AS (
		SELECT id FROM pipeline_steps
		WHERE administration_id IN (SELECT id FROM scope) AND category = 'en_cours' AND name ~* '\m(entretien|jury|oral)'),
	reached AS (
		SELECT e.application_id,
			bool_or(e.stage_id IN (SELECT id FROM interview_steps)) AS interview_step,
			bool_or(e.to_category = 'acceptee') AS hired
		FROM cohort a JOIN application_events e ON e.application_id = a.id
		WHERE e.at >= $4 AND e.to_category IN ('en_cours', 'acceptee')
		GROUP BY e.application_id),
	flags AS (
		SELECT CASE WHEN a.category = 'anonymisee' THEN '' ELSE a.civility END AS civility,
			r.application_id IS NOT NULL AS shortlisted,
			coalesce(r.interview_step, false) OR a.id IN (SELECT application_id FROM interviews
				WHERE administration_id IN (SELECT id FROM scope) AND status NOT IN ('remplace', 'annule', 'decline') AND attendance <> 'absent') AS interviewed,
			coalesce(r.hired, false) AS hired
		FROM cohort a LEFT JOIN reached r ON r.application_id = a.id)
	SELECT civility, count(*) AS applications, count(*) FILTER (WHERE shortlisted) AS shortlisted,
		count(*) FILTER (WHERE interviewed) AS interviewed, count(*) FILTER (WHERE hired) AS hired
	FROM flags GROUP BY civility ORDER BY civility`
