package vivier

func offersOf(rows []offerRow) ([]Offer, error) {
	out := make([]Offer, 0, len(rows))
	for i := range rows {
		o, err := rows[i].offer()
		if err != nil {
			return nil, err
		}
		out = append(out, *o)
	}
	return out, nil
}
