package vivier

import (
	"net/url"
	"strconv"
)

// MatchURL is the ranking of offers and concours for an agent's profile
// (the public site's /offres/suggestions/resultats): its skills and métier,
// its only wished région if it has one; "" when it has no skill to match.
func (p *MobilityProfile) MatchURL() string {
	if len(p.CompetenceIDs) == 0 {
		return ""
	}
	q := url.Values{"rayon": {"0"}}
	for _, id := range p.CompetenceIDs {
		q.Add("competence", strconv.FormatInt(id, 10))
	}
	if p.MetierID != nil {
		q.Set("metier", strconv.FormatInt(*p.MetierID, 10))
	}
	if len(p.RegionCodes) == 1 {
		q.Set("region", p.RegionCodes[0])
	}
	return "/offres/suggestions/resultats?" + q.Encode()
}
