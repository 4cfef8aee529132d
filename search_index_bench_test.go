package vivier

import (
	"fmt"
	"strconv"
	"testing"
	"time"
)

// benchIndex fills an index like `vivier seed --offers n`: 18 titles in
// turn, four administrations, a hundred départements.
func benchIndex(b *testing.B, n int) *searchIndex {
	b.Helper()
	ix := newSearchIndex()
	titles := []string{"'developpeur':1A 'back':2A 'end':3A", "'charg':1A 'mission':2A 'donne':3A", "'juriste':1A 'droit':3A 'public':4A"}
	now := time.Now().UnixMicro()
	for i := range n {
		kind := []string{"emploi", "emploi", "stage", "concours"}[i%18%4]
		cat := []string{"A", "B", "C"}[i%18%3]
		t := titles[i%18%3]
		if i%18 == 0 {
			t, kind, cat = titles[0], "emploi", "A"
		} else if t == titles[0] {
			t = titles[1]
		}
		err := ix.put(indexedOffer{ID: int64(i + 1), PublishedAt: now - int64(i)*1e6, Search: t + " 'ministere':5B 'equip':6 'servic':7 'public':8",
			Values: map[string][]string{"type": {kind}, "versant": {"etat"}, "categorie": {cat}, "region": {strconv.Itoa(i % 18)},
				"departement": {strconv.Itoa(i % 101)}, "employeur": {strconv.Itoa(i % 4)}, "workplace": {"SUR_SITE"},
				"domaine": {"NUM"}, "contrat": {"TITULAIRE_CONTRACTUEL"}, "experience": {"CONFIRME"}, "management": {"oui"}}})
		if err != nil {
			b.Fatal(err)
		}
	}
	return ix
}

// BenchmarkSearchIndex: a common word with two filters and every count, at
// a million offers (55 556 matches).
func BenchmarkSearchIndex(b *testing.B) {
	for _, n := range []int{50_000, 1_000_000} {
		ix := benchIndex(b, n)
		terms, err := parseTSQuery("'developpeur'")
		if err != nil {
			b.Fatal(err)
		}
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for b.Loop() {
				r := ix.search(indexQuery{terms: terms, filters: map[string][]string{"type": {"emploi"}, "categorie": {"A"}},
					max: 20, now: time.Now()})
				if r.total != (n+17)/18 || len(r.ids) != 20 {
					b.Fatalf("total %d, %d ids", r.total, len(r.ids))
				}
			}
		})
	}
}
