package vivier

// City is a main French city, to search "autour de" it: there is no
// geocoder, so the public form offers these and the URL may carry any point.
type City struct {
	Slug, Name  string
	Departement string
	Lat, Lng    float64
}

// Cities returns the préfectures of the régions and the largest cities, by
// name.
func Cities() []City {
	return []City{
		{"ajaccio", "Ajaccio", "2A", 41.9192, 8.7386},
		{"amiens", "Amiens", "80", 49.8941, 2.2958},
		{"angers", "Angers", "49", 47.4784, -0.5632},
		{"basse-terre", "Basse-Terre", "971", 15.9985, -61.7261},
		{"besancon", "Besançon", "25", 47.2378, 6.0241},
		{"bordeaux", "Bordeaux", "33", 44.8378, -0.5792},
		{"brest", "Brest", "29", 48.3904, -4.4861},
		{"caen", "Caen", "14", 49.1829, -0.3707},
		{"cayenne", "Cayenne", "973", 4.9224, -52.3135},
		{"clermont-ferrand", "Clermont-Ferrand", "63", 45.7772, 3.0870},
		{"dijon", "Dijon", "21", 47.3220, 5.0415},
		{"fort-de-france", "Fort-de-France", "972", 14.6161, -61.0588},
		{"grenoble", "Grenoble", "38", 45.1885, 5.7245},
		{"le-havre", "Le Havre", "76", 49.4944, 0.1079},
		{"lille", "Lille", "59", 50.6292, 3.0573},
		{"limoges", "Limoges", "87", 45.8336, 1.2611},
		{"lyon", "Lyon", "69", 45.7640, 4.8357},
		{"mamoudzou", "Mamoudzou", "976", -12.7806, 45.2279},
		{"marseille", "Marseille", "13", 43.2965, 5.3698},
		{"metz", "Metz", "57", 49.1193, 6.1757},
		{"montpellier", "Montpellier", "34", 43.6108, 3.8767},
		{"nancy", "Nancy", "54", 48.6921, 6.1844},
		{"nantes", "Nantes", "44", 47.2184, -1.5536},
		{"nice", "Nice", "06", 43.7102, 7.2620},
		{"nimes", "Nîmes", "30", 43.8367, 4.3601},
		{"orleans", "Orléans", "45", 47.9030, 1.9093},
		{"paris", "Paris", "75", 48.8566, 2.3522},
		{"poitiers", "Poitiers", "86", 46.5802, 0.3404},
		{"reims", "Reims", "51", 49.2583, 4.0317},
		{"rennes", "Rennes", "35", 48.1173, -1.6778},
		{"rouen", "Rouen", "76", 49.4432, 1.0999},
		{"saint-denis-reunion", "Saint-Denis (La Réunion)", "974", -20.8821, 55.4507},
		{"saint-etienne", "Saint-Étienne", "42", 45.4397, 4.3872},
		{"strasbourg", "Strasbourg", "67", 48.5734, 7.7521},
		{"toulon", "Toulon", "83", 43.1242, 5.9280},
		{"toulouse", "Toulouse", "31", 43.6047, 1.4442},
		{"tours", "Tours", "37", 47.3941, 0.6848},
	}
}

// CityBySlug finds a city of Cities.
func CityBySlug(slug string) (City, bool) {
	for _, c := range Cities() {
		if c.Slug == slug {
			return c, true
		}
	}
	return City{}, false
}
