package vivier

import "testing"

// TestSearchIndexKnowsWords: a search that finds nothing is retried as a
// typo only when one of the words it needs is in no published offer.
func TestSearchIndexKnowsWords(t *testing.T) {
	ix := newSearchIndex()
	for i, text := range []string{"'juriste':1A 'droit':2A", "'infirmi':1A 'scolair':2A"} {
		err := ix.put(indexedOffer{ID: int64(i + 1), PublishedAt: 1, Search: text, Values: map[string][]string{"type": {"emploi"}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	ix.remove(2) // unpublished: its words are no longer known
	for query, want := range map[string]bool{
		"'juriste'":              true,
		"'juriste' & 'droit'":    true,
		"'juriste' & !'scolair'": true, // a word left out need not exist
		"'juristte'":             false,
		"'juriste' & 'infirmi'":  false,
		"'juriste' | 'infirmi'":  false, // each word must exist, as a typo may hide in either
	} {
		terms, err := parseTSQuery(query)
		if err != nil {
			t.Fatal(err)
		}
		if got := ix.knowsWords(terms); got != want {
			t.Errorf("knowsWords(%s) = %v, want %v", query, got, want)
		}
	}
}
