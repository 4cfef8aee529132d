package vivier

// TypingHint is one line of the typing help of the search box and the place
// fields: Value is what choosing it writes in the field.
type TypingHint struct {
	Kind  string `json:"type"` // metier, mot, employeur, lieu
	Label string `json:"label"`
	Value string `json:"value"`
	Code  string `json:"code,omitempty"` // the commune's code INSEE, for a lieu
}

// TypingHintKinds are the kinds' names, as the visitor reads them.
var TypingHintKinds = map[string]string{"metier": "Métier", "mot": "Mot-clé", "employeur": "Employeur", "lieu": "Lieu"}
