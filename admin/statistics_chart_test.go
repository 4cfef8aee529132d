package admin

import (
	"strings"
	"testing"

	"vivier"
)

func TestBarChartGeometry(t *testing.T) {
	if newBarChart("c", "t", "d", nil, nil) != nil {
		t.Error("a chart without values")
	}
	values := []barValue{
		{Label: "Nouvelle", N: 10, Text: "10", Category: vivier.CategoryNew},
		{Label: "Présélection", N: 5, Text: "5", Category: vivier.CategoryReview},
		{Label: "Entretien RH", N: 0, Text: "0", Category: vivier.CategoryReview},
		{Label: strings.Repeat("é", 40), N: 1, Text: "1", Category: vivier.CategoryRefused},
	}
	ch := newBarChart("c", "t", "d", values, []vivier.StatCount{{Key: "nouvelle"}, {Key: "en_cours"}, {Key: "en_cours"}, {Key: "refusee"}})
	full := chartWidth - chartBarX - chartValueRoom
	if ch.Bars[0].W != full || ch.Bars[1].W != full/2 || ch.Bars[2].W != 0 {
		t.Errorf("widths %d %d %d, want %d %d 0", ch.Bars[0].W, ch.Bars[1].W, ch.Bars[2].W, full, full/2)
	}
	// Every value is written beside its bar, inside the picture.
	for _, b := range ch.Bars {
		if b.ValueX <= chartBarX+b.W || b.ValueX > chartWidth-100 || b.Text == "" {
			t.Errorf("value of %q at %d", b.Label, b.ValueX)
		}
	}
	if got := []rune(ch.Bars[3].Label); len(got) != chartLabelMax || got[len(got)-1] != '…' {
		t.Errorf("long label %q", ch.Bars[3].Label)
	}
	// Categories differ by their drawing, not only their colour: one
	// pattern per patterned category, named after the chart.
	if ch.Bars[1].Fill != ch.Bars[2].Fill || ch.Bars[0].Fill == ch.Bars[1].Fill || len(ch.Patterns) != 2 ||
		ch.Patterns[0].ID != "c-motif-en_cours" || ch.Bars[1].Fill != "url(#c-motif-en_cours)" {
		t.Errorf("fills %q %q %q, patterns %+v", ch.Bars[0].Fill, ch.Bars[1].Fill, ch.Bars[3].Fill, ch.Patterns)
	}
	if len(ch.Legend) != 3 || ch.Legend[1].Label != "En cours" || ch.Height < ch.Legend[2].Y+18 {
		t.Errorf("legend %+v in a chart %d high", ch.Legend, ch.Height)
	}
}
