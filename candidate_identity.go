package vivier

// Changes to what an application says of its candidate. Two people may make
// them: the candidate, from the tracking space (the link proves the
// address), on the applications they choose; and an agent of the
// application's administration correcting a typo, audited. Both are checked
// as at application time, and both leave an event in the application's
// history; a candidate's change is announced to the recruiters.

// changedFields names, in French, what differs between two identities.
func changedFields(before, after Identity) []string {
	var out []string
	for _, f := range []struct {
		name string
		a, b string
	}{
		{"civilité", before.Civility, after.Civility}, {"prénom", before.FirstName, after.FirstName},
		{"nom", before.LastName, after.LastName}, {"téléphone", before.Phone, after.Phone},
	} {
		if f.a != f.b {
			out = append(out, f.name)
		}
	}
	return out
}
