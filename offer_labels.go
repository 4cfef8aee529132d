package vivier

// French labels of the codes the offer blocks store, for the forms and the
// public page. The codes are CSPLab's; the words are those candidates read.

// AccessModalityLabels names each code of AccessModalities.
var AccessModalityLabels = map[string]string{
	"EXTERNE":                         "Concours externe",
	"INTERNE":                         "Concours interne",
	"TROISIEME_CONCOURS":              "Troisième concours",
	"UNIQUE":                          "Concours unique",
	"RESERVE":                         "Concours réservé",
	"EXAMEN_PROFESSIONNEL":            "Examen professionnel",
	"LISTE_APTITUDE":                  "Liste d'aptitude",
	"SUR_TITRE":                       "Recrutement sur titre",
	"IRA":                             "Par la voie des IRA",
	"TOUR_EXTERIEUR":                  "Tour extérieur",
	"SANS_CONCOURS":                   "Recrutement sans concours",
	"AU_CHOIX":                        "Au choix",
	"COMPLEMENTAIRE":                  "Concours complémentaire",
	"DEUXIEME_CONCOURS":               "Deuxième concours",
	"EXTERNE_EXCEPTIONNEL":            "Concours externe exceptionnel",
	"INTERNE_EXCEPTIONNEL":            "Concours interne exceptionnel",
	"TROISIEME_CONCOURS_EXCEPTIONNEL": "Troisième concours exceptionnel",
}

// DiplomaLevelLabels names the levels of the national qualifications
// framework (1 to 8).
var DiplomaLevelLabels = map[int]string{
	1: "Niveau 1 (savoirs de base)",
	2: "Niveau 2 (savoirs de base)",
	3: "Niveau 3 (CAP, BEP)",
	4: "Niveau 4 (baccalauréat)",
	5: "Niveau 5 (bac + 2 : BTS, DUT)",
	6: "Niveau 6 (bac + 3 ou 4 : licence, BUT)",
	7: "Niveau 7 (bac + 5 : master, diplôme d'ingénieur)",
	8: "Niveau 8 (doctorat)",
}

// LanguageCodes are the languages the form offers, in this order.
var LanguageCodes = []string{"en", "de", "es", "it", "pt", "nl", "ar", "zh", "ru", "pl", "ro", "ja", "fr"}

// LanguageNames names the ISO 639-1 codes of LanguageCodes.
var LanguageNames = map[string]string{
	"en": "anglais", "de": "allemand", "es": "espagnol", "it": "italien", "pt": "portugais", "nl": "néerlandais",
	"ar": "arabe", "zh": "chinois", "ru": "russe", "pl": "polonais", "ro": "roumain", "ja": "japonais", "fr": "français",
}

// WorkingTimeLabels names the codes of WorkingTimes.
var WorkingTimeLabels = map[string]string{"NON_DEFINI": "Non précisé", "TEMPS_PLEIN": "Temps plein", "TEMPS_PARTIEL": "Temps partiel"}

// QuestionKindLabels names the codes of QuestionKinds.
var QuestionKindLabels = map[string]string{"short": "Réponse courte", "long": "Réponse longue", "yesno": "Oui ou non", "choice": "Choix dans une liste"}
