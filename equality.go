package vivier

// Equality figures: women and men at each stage of recruitment, as the
// public service's balanced-appointment reports ask. The civility counted
// is the one the candidate gave on the application, never a guess; an
// application whose data were erased counts as "not given". The figures
// are aggregates only, published under a small-count rule (EqualityPublish).

// EqualityThreshold is the smallest count published: fewer applications
// than this show as "< 5".
const EqualityThreshold = 5

// EqualityStage is a stage of recruitment with the number of applications
// of each civility that reached it.
type EqualityStage struct {
	Key         string // candidatures, preselectionnees, entretien, recrutees
	Label       string
	Women       int
	Men         int
	Unspecified int
}

// Total counts every application of the stage, civility given or not.
func (s EqualityStage) Total() int { return s.Women + s.Men + s.Unspecified }

// equalityCounts is one civility's row of the store's query.
type equalityCounts struct {
	Civility     string `db:"civility"`
	Applications int    `db:"applications"`
	Shortlisted  int    `db:"shortlisted"`
	Interviewed  int    `db:"interviewed"`
	Hired        int    `db:"hired"`
}

// equalityStages turns the rows per civility into the four stages, in the
// order of the recruitment.
func equalityStages(rows []equalityCounts) []EqualityStage {
	stages := []EqualityStage{
		{Key: "candidatures", Label: "Candidatures"},
		{Key: "preselectionnees", Label: "Présélectionnées"},
		{Key: "entretien", Label: "Reçues en entretien"},
		{Key: "recrutees", Label: "Recrutées"},
	}
	for _, r := range rows {
		for i, n := range []int{r.Applications, r.Shortlisted, r.Interviewed, r.Hired} {
			switch r.Civility {
			case "madame":
				stages[i].Women += n
			case "monsieur":
				stages[i].Men += n
			default:
				stages[i].Unspecified += n
			}
		}
	}
	return stages
}

// EqualityCell is a count as published: Hidden when it is under the
// threshold, or when it would let a hidden one be found back.
type EqualityCell struct {
	N      int
	Hidden bool
}

// EqualityRow is a stage as published.
type EqualityRow struct {
	Key, Label              string
	Women, Men, Unspecified EqualityCell
	Total                   EqualityCell
	SharesShown             bool    // false when a count of women or men is hidden
	WomenShare, MenShare    float64 // among those who gave a civility, in %
}

// EqualityPublish applies the small-count rule to a stage. Primary rule:
// every count under EqualityThreshold (zero included) is hidden, the total
// too. Secondary rule: the total of a stage is published (it is also the
// page's count of received or hired applications), so when exactly one of
// women, men and "not given" is hidden, the total minus the two others
// would give it back: the smaller of the two others is hidden as well.
// Shares are of those who gave a civility, and shown only when both counts
// they come from are: a share and the other count would give a hidden one.
func EqualityPublish(s EqualityStage) EqualityRow {
	r := EqualityRow{Key: s.Key, Label: s.Label,
		Women: EqualityCell{N: s.Women}, Men: EqualityCell{N: s.Men}, Unspecified: EqualityCell{N: s.Unspecified}, Total: EqualityCell{N: s.Total()}}
	cells := []*EqualityCell{&r.Women, &r.Men, &r.Unspecified}
	hidden := 0
	for _, c := range cells {
		if c.N < EqualityThreshold {
			c.Hidden = true
			hidden++
		}
	}
	if r.Total.N < EqualityThreshold {
		r.Total.Hidden = true
	}
	if hidden == 1 {
		// The smaller of the two shown; on a tie, "not given" before women
		// and men, whose shares are the figure sought.
		var pick *EqualityCell
		for _, c := range []*EqualityCell{&r.Unspecified, &r.Women, &r.Men} {
			if !c.Hidden && (pick == nil || c.N < pick.N) {
				pick = c
			}
		}
		pick.Hidden = true
	}
	if !r.Women.Hidden && !r.Men.Hidden {
		r.SharesShown = true
		given := float64(s.Women + s.Men)
		r.WomenShare, r.MenShare = 100*float64(s.Women)/given, 100*float64(s.Men)/given
	}
	return r
}
