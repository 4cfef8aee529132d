package vivier

import (
	"errors"
	"strings"

	"github.com/RoaringBitmap/roaring/v2"
)

// Weights of a tsvector's positions: title (A), employer (B), text (C and
// D). Matching one in the title weighs most, as with ts_rank.
const (
	weightA = 1 << iota
	weightB
	weightC
)

// lexemeWeights parses PostgreSQL's text form of a tsvector ('word':1A,4
// 'other':2B) into each lexeme's weights.
func lexemeWeights(tsv string, fn func(lexeme string, weights int)) error {
	i := 0
	for i < len(tsv) {
		for i < len(tsv) && tsv[i] == ' ' {
			i++
		}
		if i == len(tsv) {
			return nil
		}
		if tsv[i] != '\'' {
			return errors.New("tsvector: a lexeme opens with a quote")
		}
		i++
		var b strings.Builder
		for {
			if i >= len(tsv) {
				return errors.New("tsvector: unclosed lexeme")
			}
			c := tsv[i]
			if c == '\\' && i+1 < len(tsv) {
				b.WriteByte(tsv[i+1])
				i += 2
				continue
			}
			if c == '\'' {
				if i+1 < len(tsv) && tsv[i+1] == '\'' {
					b.WriteByte('\'')
					i += 2
					continue
				}
				i++
				break
			}
			b.WriteByte(c)
			i++
		}
		w := 0
		if i < len(tsv) && tsv[i] == ':' {
			i++
			for i < len(tsv) && tsv[i] != ' ' {
				switch tsv[i] {
				case 'A':
					w |= weightA
				case 'B':
					w |= weightB
				case ',':
				default:
					if tsv[i] >= '0' && tsv[i] <= '9' {
						// a position: its weight (if any) follows its digits
						if j := i + 1; j == len(tsv) || tsv[j] == ',' || tsv[j] == ' ' {
							w |= weightC // no letter: D, counted with C
						}
					} else {
						w |= weightC
					}
				}
				i++
			}
		} else {
			w = weightC // stripped: no position, no weight
		}
		fn(b.String(), w)
	}
	return nil
}

// tsNode is a parsed tsquery: a lexeme, or an operator over its operands.
type tsNode struct {
	op     byte // 0: lexeme, '&', '|', '!'
	lexeme string
	kids   []*tsNode
}

// errUnsupportedQuery marks a tsquery that the index does not evaluate
// (phrases, prefixes, weights): the search then runs in PostgreSQL.
var errUnsupportedQuery = errors.New("tsquery not supported by the search index")

// parseTSQuery parses the text form of what websearch_to_tsquery returns:
// quoted lexemes, & | ! and parentheses.
func parseTSQuery(s string) (*tsNode, error) {
	p := &tsParser{s: s}
	n, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.skip(); p.i != len(p.s) {
		return nil, errUnsupportedQuery
	}
	return n, nil
}

type tsParser struct {
	s string
	i int
}

func (p *tsParser) skip() {
	for p.i < len(p.s) && p.s[p.i] == ' ' {
		p.i++
	}
}

func (p *tsParser) peek() byte {
	p.skip()
	if p.i < len(p.s) {
		return p.s[p.i]
	}
	return 0
}

func (p *tsParser) or() (*tsNode, error) {
	return p.binary('|', p.and)
}

func (p *tsParser) and() (*tsNode, error) {
	return p.binary('&', p.not)
}

func (p *tsParser) binary(op byte, next func() (*tsNode, error)) (*tsNode, error) {
	n, err := next()
	if err != nil {
		return nil, err
	}
	for p.peek() == op {
		p.i++
		m, err := next()
		if err != nil {
			return nil, err
		}
		if n.op == op {
			n.kids = append(n.kids, m)
		} else {
			n = &tsNode{op: op, kids: []*tsNode{n, m}}
		}
	}
	return n, nil
}

func (p *tsParser) not() (*tsNode, error) {
	switch p.peek() {
	case '!':
		p.i++
		n, err := p.not()
		if err != nil {
			return nil, err
		}
		return &tsNode{op: '!', kids: []*tsNode{n}}, nil
	case '(':
		p.i++
		n, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.peek() != ')' {
			return nil, errUnsupportedQuery
		}
		p.i++
		return n, nil
	case '\'':
		var lex string
		err := lexemeWeights(p.s[p.i:p.lexemeEnd()], func(l string, _ int) { lex = l })
		if err != nil {
			return nil, errUnsupportedQuery
		}
		p.i = p.lexemeEnd()
		if p.i < len(p.s) && p.s[p.i] == ':' { // prefix or weights
			return nil, errUnsupportedQuery
		}
		return &tsNode{lexeme: lex}, nil
	}
	return nil, errUnsupportedQuery // phrases (<->) and the rest
}

// lexemeEnd is the index just past the quoted lexeme at p.i.
func (p *tsParser) lexemeEnd() int {
	for j := p.i + 1; j < len(p.s); j++ {
		switch p.s[j] {
		case '\\':
			j++
		case '\'':
			if j+1 < len(p.s) && p.s[j+1] == '\'' {
				j++
				continue
			}
			return j + 1
		}
	}
	return len(p.s)
}

// positives lists the lexemes that a match contains (not under a !).
func (n *tsNode) positives(out []string) []string {
	switch n.op {
	case 0:
		return append(out, n.lexeme)
	case '!':
		return out
	}
	for _, k := range n.kids {
		out = k.positives(out)
	}
	return out
}

// eval returns the slots that match n among all.
func (n *tsNode) eval(words map[string]*roaring.Bitmap, all *roaring.Bitmap) *roaring.Bitmap {
	switch n.op {
	case 0:
		if b := words[n.lexeme]; b != nil {
			return b.Clone()
		}
		return roaring.New()
	case '!':
		return roaring.AndNot(all, n.kids[0].eval(words, all))
	case '&':
		out := n.kids[0].eval(words, all)
		for _, k := range n.kids[1:] {
			out.And(k.eval(words, all))
		}
		return out
	}
	out := roaring.New()
	for _, k := range n.kids {
		out.Or(k.eval(words, all))
	}
	return out
}
