package vivier_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/go-pdf/fpdf"

	"vivier"
)

// The time from a CV's file to its ranked offers, as /offres/suggestions
// and its results spend it: the PDF read (the longest CV of the labelled
// set, three A4 pages at 11 points), the referential loaded, the profile extracted and its
// commune found, 315 published offers and concours ranked.
func BenchmarkMatchCV(b *testing.B) {
	ctx := context.Background()
	s, _, cvs := labelledWorld(b)
	longest := cvs[0]
	for _, cv := range cvs {
		if len(cv.Text) > len(longest.Text) {
			longest = cv
		}
	}
	pdf := cvPDF(b, func(f *fpdf.Fpdf) {
		f.SetCompression(true)
		b.Cleanup(func() {
			if f.PageNo() < 2 {
				b.Errorf("the CV's PDF has %d page, want two or more", f.PageNo())
			}
			b.Logf("%d words on %d A4 pages", len(strings.Fields(longest.Text)), f.PageNo())
		})
	}, strings.Split(longest.Text, "\n")...)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		doc, err := vivier.CheckDocument("cv.pdf", pdf, 10<<20)
		if err != nil {
			b.Fatal(err)
		}
		m, err := s.SkillMatcher(ctx)
		if err != nil {
			b.Fatal(err)
		}
		read := vivier.ExtractCVProfile(doc.Text, m, time.Now())
		home, err := s.CVHome(ctx, read.PostalCodes)
		if err != nil && vivier.ErrorCode(err) != vivier.ENOTFOUND {
			b.Fatal(err)
		}
		got, err := s.MatchOffers(ctx, read.MatchProfile(home), vivier.MatchFilter{}, m, 20)
		if err != nil || len(got) == 0 {
			b.Fatalf("%d offers, %v", len(got), err)
		}
	}
}
