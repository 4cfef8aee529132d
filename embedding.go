package vivier

import (
	"context"
	"fmt"
	"math"
	"strings"
)

// Embedder turns texts into vectors of meaning: an OpenAI-compatible
// embeddings service, such as the State's Albert API (jobs implements it).
// Matching uses it only when one is configured; without it, the score is
// the transparent one alone.
type Embedder interface {
	Embed(ctx context.Context, texts []string) ([][]float32, error)
	// Model names the vectors: those of another model are never compared.
	Model() string
}

// cosine is the cosine similarity of two vectors of the same length; 0
// when they differ in length or one is null.
func cosine(a, b []float32) float64 {
	if len(a) != len(b) || len(a) == 0 {
		return 0
	}
	var dot, na, nb float64
	for i := range a {
		x, y := float64(a[i]), float64(b[i])
		dot += x * y
		na += x * x
		nb += y * y
	}
	if na == 0 || nb == 0 {
		return 0
	}
	return dot / math.Sqrt(na*nb)
}

// Semantic points: a similarity at semanticFloor or below adds nothing, a
// similarity of 1 adds semanticMax; between, in proportion.
const (
	semanticFloor = 0.5
	semanticMax   = 6
)

func semanticPoints(sim float64) int {
	if sim <= semanticFloor {
		return 0
	}
	return int(math.Round(semanticMax * (sim - semanticFloor) / (1 - semanticFloor)))
}

// Text is what of a profile is embedded: its skills, as the referential
// names them, and its diploma level, written as an offer would ask them.
func (p MatchProfile) Text() string {
	var b strings.Builder
	for i, c := range p.Skills {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c.Label)
	}
	if p.DiplomaLevel > 0 {
		fmt.Fprintf(&b, ". Diplôme de niveau %d", p.DiplomaLevel)
	}
	if p.YearsExperience > 0 {
		fmt.Fprintf(&b, ". %d ans d'expérience", p.YearsExperience)
	}
	return b.String()
}
