package vivier

// PipelineQueries exposes the list's SQL to the benchmark, which explains
// the plans.
func PipelineQueries(adminID, offerID int64, f PipelineFilter) (page string, pageArgs []any, count string, args []any) {
	q := pipelineQuery(adminID, offerID, f)
	return q.page, q.pageArgs, q.count, q.args
}
