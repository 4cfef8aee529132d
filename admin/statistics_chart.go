package admin

import (
	"math"
	"unicode/utf8"

	"vivier"
)

// Bar charts drawn on the server as SVG: horizontal bars, each with its
// label before it and its value written after it, so that no figure is read
// from a colour or a length alone. Where bars differ by category, each
// category has its own pattern (stripes, dots, hatching) as well as its own
// DSFR colour, with a legend. The page's table under each chart carries the
// same figures for screen readers, which read the chart as one image with
// its title and description.

const (
	chartWidth     = 760
	chartLabelEnd  = 212 // labels are right-aligned up to here
	chartBarX      = 220
	chartValueRoom = 170 // right of the longest bar, for its value
	chartRow       = 32
	chartBarHeight = 22
	chartLabelMax  = 30 // characters; the table has the whole label
)

type barValue struct {
	Label    string
	N        float64
	Text     string
	Category vivier.Category // "" for a single-series chart
}

type barChart struct {
	ID, Title, Desc string
	Width, Height   int
	LabelEnd, BarX  int
	Bars            []chartBar
	Legend          []legendItem
	Patterns        []chartPattern
}

type chartBar struct {
	Label, Text, Fill         string
	Y, TextY, W, ValueX, BarH int
}

type legendItem struct {
	Label, Fill        string
	X, Y, TextX, TextY int
}

// chartPattern is the fill of a category; Kind chooses its drawing in the
// template.
type chartPattern struct {
	ID, Kind, Background, Ink string
}

// categoryStyles are the DSFR colours of each category (blue France,
// success, error, greys) and their drawing.
var categoryStyles = map[vivier.Category]chartPattern{
	vivier.CategoryNew:       {Kind: "solid", Ink: "#000091"},
	vivier.CategoryReview:    {Kind: "stripes", Background: "#e3e3fd", Ink: "#000091"},
	vivier.CategoryAccepted:  {Kind: "dots", Background: "#b8fec9", Ink: "#18753c"},
	vivier.CategoryRefused:   {Kind: "hatch", Background: "#fee9e9", Ink: "#ce0500"},
	vivier.CategoryWithdrawn: {Kind: "lines", Background: "#eeeeee", Ink: "#3a3a3a"},
	vivier.CategoryErased:    {Kind: "solid", Ink: "#666666"},
}

func newBarChart(id, title, desc string, values []barValue, legend []vivier.StatCount) *barChart {
	if len(values) == 0 {
		return nil
	}
	ch := &barChart{ID: id, Title: title, Desc: desc, Width: chartWidth, LabelEnd: chartLabelEnd, BarX: chartBarX}
	top := 0.0
	for _, v := range values {
		top = math.Max(top, v.N)
	}
	plot := float64(chartWidth - chartBarX - chartValueRoom)
	fills := map[vivier.Category]string{}
	fill := func(c vivier.Category) string {
		if c == "" {
			return "#000091"
		}
		if f, ok := fills[c]; ok {
			return f
		}
		p := categoryStyles[c]
		if p.Kind == "solid" {
			fills[c] = p.Ink
			return p.Ink
		}
		p.ID = id + "-motif-" + string(c)
		ch.Patterns = append(ch.Patterns, p)
		fills[c] = "url(#" + p.ID + ")"
		return fills[c]
	}
	for i, v := range values {
		w := 0
		if top > 0 {
			w = int(math.Round(plot * v.N / top))
		}
		y := 8 + i*chartRow
		label := v.Label
		if utf8.RuneCountInString(label) > chartLabelMax {
			label = string([]rune(label)[:chartLabelMax-1]) + "…"
		}
		ch.Bars = append(ch.Bars, chartBar{Label: label, Text: v.Text, Fill: fill(v.Category), Y: y, TextY: y + 16,
			W: w, ValueX: chartBarX + w + 8, BarH: chartBarHeight})
	}
	ch.Height = 8 + len(values)*chartRow + 8
	if legend != nil {
		seen := map[string]bool{}
		for _, c := range legend {
			if seen[c.Key] {
				continue
			}
			seen[c.Key] = true
			n := len(ch.Legend)
			x, y := 8+(n%3)*250, ch.Height+8+(n/3)*26
			ch.Legend = append(ch.Legend, legendItem{Label: vivier.CategoryLabel(vivier.Category(c.Key)), Fill: fill(vivier.Category(c.Key)),
				X: x, Y: y, TextX: x + 26, TextY: y + 14})
		}
		ch.Height += 8 + (len(ch.Legend)+2)/3*26 + 4
	}
	return ch
}
