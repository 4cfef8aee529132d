-- The shared skills referential beyond digital jobs: administration,
-- finances, human resources, law, health, education, social work, technical
-- trades, environment, security, culture, communication, transports and
-- languages. Each skill has synonyms (the words a CV or an offer uses for
-- it, matched without regard to case or accents) and the domaines
-- fonctionnels it belongs to; platform administrators edit both. A skill
-- also belongs to the métiers an administrator links it to (the RMFP métiers
-- come from INGRES, so none are linked here). Generated once; edited in the
-- application afterwards.

-- +goose Up
ALTER TABLE competences
    ADD COLUMN synonyms      text[] NOT NULL DEFAULT '{}',
    ADD COLUMN domaine_codes text[] NOT NULL DEFAULT '{}';
CREATE TABLE competence_metiers (
    competence_id bigint NOT NULL REFERENCES competences (id) ON DELETE CASCADE,
    metier_id     bigint NOT NULL REFERENCES metiers (id) ON DELETE CASCADE,
    PRIMARY KEY (competence_id, metier_id)
);
CREATE INDEX competence_metiers_metier_idx ON competence_metiers (metier_id);

UPDATE competences SET synonyms = ARRAY['programmation', 'développeur', 'développeuse', 'génie logiciel', 'java', 'python', 'golang', 'php']::text[], domaine_codes = ARRAY['NUM']::text[] WHERE slug = 'developpement';
UPDATE competences SET synonyms = ARRAY['développement front-end', 'développement back-end', 'html', 'css', 'javascript', 'typescript', 'react', 'vue.js', 'django', 'symfony']::text[], domaine_codes = ARRAY['NUM']::text[] WHERE slug = 'developpement-web';
UPDATE competences SET synonyms = ARRAY['data', 'statistiques', 'analyse de données', 'data analyst', 'sql', 'business intelligence', 'tableaux de bord', 'excel avancé']::text[], domaine_codes = ARRAY['NUM', 'CTL']::text[] WHERE slug = 'donnees';
UPDATE competences SET synonyms = ARRAY['data engineer', 'pipelines de données', 'etl', 'entrepôt de données', 'spark', 'airflow']::text[], domaine_codes = ARRAY['NUM']::text[] WHERE slug = 'data-engineering';
UPDATE competences SET synonyms = ARRAY['ia', 'machine learning', 'apprentissage automatique', 'deep learning', 'traitement automatique des langues', 'nlp', 'llm']::text[], domaine_codes = ARRAY['NUM', 'RCH']::text[] WHERE slug = 'intelligence-artificielle';
UPDATE competences SET synonyms = ARRAY['cybersécurité', 'ssi', 'rssi', 'sécurité informatique', 'homologation', 'ebios', 'soc', 'pentest']::text[], domaine_codes = ARRAY['NUM', 'SEC']::text[] WHERE slug = 'securite';
UPDATE competences SET synonyms = ARRAY['product owner', 'product manager', 'chef de produit', 'gestion de produit numérique', 'scrum', 'agilité']::text[], domaine_codes = ARRAY['NUM']::text[] WHERE slug = 'produit';
UPDATE competences SET synonyms = ARRAY['ux', 'ui', 'ux design', 'design d''interface', 'recherche utilisateur', 'ergonomie', 'figma']::text[], domaine_codes = ARRAY['NUM', 'USA']::text[] WHERE slug = 'design';
UPDATE competences SET synonyms = ARRAY['rgaa', 'wcag', 'accessibilité', 'audit d''accessibilité']::text[], domaine_codes = ARRAY['NUM']::text[] WHERE slug = 'accessibilite';
UPDATE competences SET synonyms = ARRAY['cloud', 'administration système', 'linux', 'windows server', 'virtualisation', 'kubernetes', 'docker']::text[], domaine_codes = ARRAY['NUM']::text[] WHERE slug = 'infrastructure';
UPDATE competences SET synonyms = ARRAY['réseau', 'télécommunications', 'tcp/ip', 'cisco', 'administration réseau', 'téléphonie']::text[], domaine_codes = ARRAY['NUM']::text[] WHERE slug = 'reseaux';
UPDATE competences SET synonyms = ARRAY['sre', 'intégration continue', 'ci/cd', 'ansible', 'terraform', 'exploitation informatique']::text[], domaine_codes = ARRAY['NUM']::text[] WHERE slug = 'devops';
UPDATE competences SET synonyms = ARRAY['architecte', 'urbanisation des si', 'architecture logicielle', 'architecture d''entreprise']::text[], domaine_codes = ARRAY['NUM']::text[] WHERE slug = 'architecture';
UPDATE competences SET synonyms = ARRAY['helpdesk', 'assistance informatique', 'support utilisateurs', 'technicien de proximité', 'itil']::text[], domaine_codes = ARRAY['NUM', 'USA']::text[] WHERE slug = 'support';
UPDATE competences SET synonyms = ARRAY['commande publique', 'marchés publics', 'code de la commande publique', 'acheteur', 'acheteuse', 'passation de marchés', 'appel d''offres']::text[], domaine_codes = ARRAY['ACH', 'JUR']::text[] WHERE slug = 'achat-public';
UPDATE competences SET synonyms = ARRAY['ressources humaines', 'rh', 'gestion administrative du personnel', 'gestionnaire rh', 'paie']::text[], domaine_codes = ARRAY['GRH']::text[] WHERE slug = 'gestion-rh';
UPDATE competences SET synonyms = ARRAY['comptabilité publique', 'finances publiques', 'gbcp', 'comptable', 'm14', 'm57']::text[], domaine_codes = ARRAY['FIP', 'GBF']::text[] WHERE slug = 'finances';
UPDATE competences SET synonyms = ARRAY['droit', 'juriste', 'conseil juridique', 'droit public', 'contentieux']::text[], domaine_codes = ARRAY['JUR']::text[] WHERE slug = 'juridique';
UPDATE competences SET synonyms = ARRAY['communication institutionnelle', 'chargé de communication', 'chargée de communication', 'relations presse', 'réseaux sociaux']::text[], domaine_codes = ARRAY['COM']::text[] WHERE slug = 'communication';
UPDATE competences SET synonyms = ARRAY['encadrement', 'manager', 'management', 'animation d''équipe', 'chef de service', 'cheffe de service', 'encadrement d''équipe']::text[], domaine_codes = ARRAY['DIR']::text[] WHERE slug = 'management';
UPDATE competences SET synonyms = ARRAY['conduite de projet', 'chef de projet', 'cheffe de projet', 'pilotage de projet', 'pmo', 'prince2', 'amoa']::text[], domaine_codes = ARRAY['DIR', 'NUM']::text[] WHERE slug = 'gestion-de-projet';
UPDATE competences SET synonyms = ARRAY['accueil du public', 'relation usager', 'guichet', 'agent d''accueil', 'orientation du public']::text[], domaine_codes = ARRAY['USA']::text[] WHERE slug = 'accueil-usagers';
INSERT INTO competences (slug, label, family, synonyms, domaine_codes) VALUES
    ('redaction-administrative', 'Rédaction administrative', 'Administration générale', ARRAY['rédaction de courriers', 'notes administratives', 'secrétariat', 'comptes rendus', 'rédaction de notes']::text[], ARRAY['DIR', 'USA']::text[]),
    ('secretariat-et-assistanat-de-direction', 'Secrétariat et assistanat de direction', 'Administration générale', ARRAY['assistant de direction', 'assistante de direction', 'secrétaire', 'gestion d''agenda', 'assistanat']::text[], ARRAY['DIR']::text[]),
    ('gestion-administrative', 'Gestion administrative', 'Administration générale', ARRAY['gestionnaire administratif', 'gestionnaire administrative', 'instruction de dossiers', 'suivi administratif']::text[], ARRAY['DIR', 'USA']::text[]),
    ('pilotage-des-politiques-publiques', 'Pilotage des politiques publiques', 'Administration générale', ARRAY['politiques publiques', 'pilotage stratégique', 'conduite du changement', 'chargé de mission', 'chargée de mission']::text[], ARRAY['DIR']::text[]),
    ('controle-de-gestion', 'Contrôle de gestion', 'Administration générale', ARRAY['contrôleur de gestion', 'contrôleuse de gestion', 'indicateurs de performance', 'dialogue de gestion']::text[], ARRAY['CTL', 'GBF']::text[]),
    ('audit-et-inspection', 'Audit et inspection', 'Administration générale', ARRAY['audit interne', 'inspection', 'contrôle interne', 'auditeur', 'auditrice', 'maîtrise des risques']::text[], ARRAY['CTL']::text[]),
    ('evaluation-des-politiques-publiques', 'Évaluation des politiques publiques', 'Administration générale', ARRAY['études d''impact', 'analyse des politiques']::text[], ARRAY['CTL', 'DIR']::text[]),
    ('organisation-et-qualite', 'Organisation et qualité', 'Administration générale', ARRAY['démarche qualité', 'iso 9001', 'amélioration continue', 'lean management']::text[], ARRAY['CTL']::text[]),
    ('relations-internationales', 'Relations internationales', 'Administration générale', ARRAY['affaires européennes', 'coopération internationale', 'diplomatie', 'fonds européens']::text[], ARRAY['INT']::text[]),
    ('veille-et-documentation', 'Veille et documentation', 'Administration générale', ARRAY['documentaliste', 'veille documentaire', 'gestion documentaire', 'archives', 'archiviste']::text[], ARRAY['DOC']::text[]),
    ('archivage', 'Archivage', 'Administration générale', ARRAY['archives', 'records management', 'archivage électronique', 'tri et classement']::text[], ARRAY['DOC', 'CUL']::text[]),
    ('elections-et-etat-civil', 'Élections et état civil', 'Administration générale', ARRAY['état civil', 'élections', 'actes d''état civil', 'recensement']::text[], ARRAY['USA']::text[]),
    ('preparation-et-execution-budgetaire', 'Préparation et exécution budgétaire', 'Finances', ARRAY['budget', 'exécution budgétaire', 'préparation budgétaire', 'lolf', 'chorus', 'gestionnaire budgétaire']::text[], ARRAY['GBF']::text[]),
    ('analyse-financiere', 'Analyse financière', 'Finances', ARRAY['prospective financière', 'analyse financière', 'fiscalité locale', 'dette']::text[], ARRAY['GBF', 'FIP']::text[]),
    ('fiscalite', 'Fiscalité', 'Finances', ARRAY['impôts', 'contrôle fiscal', 'fiscalité des entreprises', 'fiscalité des particuliers', 'recouvrement']::text[], ARRAY['FIP']::text[]),
    ('comptabilite-generale', 'Comptabilité générale', 'Finances', ARRAY['comptabilité', 'écritures comptables', 'rapprochement bancaire', 'clôture des comptes', 'mandatement']::text[], ARRAY['FIP', 'GBF']::text[]),
    ('subventions-et-financements', 'Subventions et financements', 'Finances', ARRAY['subventions', 'appels à projets', 'fonds européens', 'financements', 'dossiers de subvention']::text[], ARRAY['GBF', 'AMT']::text[]),
    ('paie', 'Paie', 'Ressources humaines', ARRAY['paie', 'rémunération', 'gestionnaire paie', 'cotisations sociales', 'dsn']::text[], ARRAY['GRH']::text[]),
    ('recrutement', 'Recrutement', 'Ressources humaines', ARRAY['chargé de recrutement', 'chargée de recrutement', 'sourcing', 'entretiens de recrutement', 'jurys']::text[], ARRAY['GRH']::text[]),
    ('formation-professionnelle', 'Formation professionnelle', 'Ressources humaines', ARRAY['plan de formation', 'ingénierie de formation', 'formateur', 'formatrice', 'conseiller formation']::text[], ARRAY['GRH', 'ENS']::text[]),
    ('gestion-des-carrieres', 'Gestion des carrières', 'Ressources humaines', ARRAY['gpec', 'gestion prévisionnelle des emplois', 'gestion des parcours professionnels']::text[], ARRAY['GRH']::text[]),
    ('dialogue-social', 'Dialogue social', 'Ressources humaines', ARRAY['relations sociales', 'instances représentatives', 'cst', 'négociation collective']::text[], ARRAY['GRH']::text[]),
    ('prevention-des-risques-professionnels', 'Prévention des risques professionnels', 'Ressources humaines', ARRAY['santé au travail', 'qualité de vie au travail', 'duerp', 'conseiller de prévention', 'risques psychosociaux']::text[], ARRAY['GRH', 'SAN']::text[]),
    ('statut-de-la-fonction-publique', 'Statut de la fonction publique', 'Ressources humaines', ARRAY['statut général', 'code général de la fonction publique', 'droit de la fonction publique', 'positions statutaires']::text[], ARRAY['GRH', 'JUR']::text[]),
    ('droit-public', 'Droit public', 'Juridique', ARRAY['droit administratif', 'contentieux administratif', 'légistique', 'droit des collectivités']::text[], ARRAY['JUR']::text[]),
    ('droit-prive', 'Droit privé', 'Juridique', ARRAY['droit civil', 'droit du travail', 'droit des contrats', 'droit commercial']::text[], ARRAY['JUR']::text[]),
    ('legistique', 'Légistique', 'Juridique', ARRAY['rédaction de textes', 'textes réglementaires', 'décrets', 'rédaction juridique']::text[], ARRAY['JUR', 'DIR']::text[]),
    ('procedure-penale', 'Procédure pénale', 'Justice', ARRAY['procédure pénale', 'droit pénal', 'greffe', 'greffier', 'greffière', 'audiences']::text[], ARRAY['JUS']::text[]),
    ('accompagnement-des-personnes-placees-sous-main-de-justice', 'Accompagnement des personnes placées sous main de justice', 'Justice', ARRAY['insertion et probation', 'spip', 'surveillance pénitentiaire', 'réinsertion']::text[], ARRAY['JUS', 'SOC']::text[]),
    ('protection-des-donnees-personnelles', 'Protection des données personnelles', 'Juridique', ARRAY['rgpd', 'dpo', 'délégué à la protection des données', 'cnil']::text[], ARRAY['JUR', 'NUM']::text[]),
    ('soins-infirmiers', 'Soins infirmiers', 'Santé', ARRAY['infirmier', 'infirmière', 'ide', 'soins', 'diplôme d''état infirmier', 'pansements', 'perfusions']::text[], ARRAY['MED']::text[]),
    ('aide-soignance', 'Aide-soignance', 'Santé', ARRAY['aide-soignant', 'aide-soignante', 'soins d''hygiène', 'nursing', 'toilette']::text[], ARRAY['MED']::text[]),
    ('medecine', 'Médecine', 'Santé', ARRAY['médecin', 'docteur en médecine', 'médecine générale']::text[], ARRAY['MED']::text[]),
    ('pharmacie', 'Pharmacie', 'Santé', ARRAY['pharmacien', 'pharmacienne', 'préparateur en pharmacie', 'préparatrice en pharmacie', 'dispensation']::text[], ARRAY['MED']::text[]),
    ('reeducation', 'Rééducation', 'Santé', ARRAY['kinésithérapie', 'masseur-kinésithérapeute', 'ergothérapie', 'orthophonie', 'psychomotricité']::text[], ARRAY['MED']::text[]),
    ('sage-femme', 'Sage-femme', 'Santé', ARRAY['maïeutique', 'sage-femme', 'obstétrique', 'accouchement']::text[], ARRAY['MED']::text[]),
    ('imagerie-medicale', 'Imagerie médicale', 'Santé', ARRAY['manipulateur en électroradiologie', 'radiologie', 'irm']::text[], ARRAY['MED']::text[]),
    ('biologie-medicale', 'Biologie médicale', 'Santé', ARRAY['technicien de laboratoire', 'technicienne de laboratoire', 'analyses biologiques', 'laboratoire']::text[], ARRAY['MED', 'RCH']::text[]),
    ('sante-publique', 'Santé publique', 'Santé', ARRAY['épidémiologie', 'prévention santé', 'promotion de la santé', 'veille sanitaire', 'ars']::text[], ARRAY['SAN']::text[]),
    ('hygiene-hospitaliere', 'Hygiène hospitalière', 'Santé', ARRAY['hygiène', 'infections nosocomiales', 'bionettoyage', 'stérilisation']::text[], ARRAY['MED', 'SAN']::text[]),
    ('psychologie', 'Psychologie', 'Santé', ARRAY['psychologue', 'psychologie clinique', 'bilans psychologiques', 'entretiens cliniques']::text[], ARRAY['MED', 'SOC']::text[]),
    ('secretariat-medical', 'Secrétariat médical', 'Santé', ARRAY['secrétaire médical', 'secrétaire médicale', 'dossier patient', 'codage', 'pmsi']::text[], ARRAY['MED', 'USA']::text[]),
    ('premiers-secours', 'Premiers secours', 'Santé', ARRAY['psc1', 'sst', 'sauveteur secouriste du travail', 'gestes d''urgence', 'afgsu']::text[], ARRAY['SEC', 'MED']::text[]),
    ('enseignement', 'Enseignement', 'Éducation et formation', ARRAY['professeur', 'professeure', 'enseignant', 'enseignante', 'pédagogie', 'didactique']::text[], ARRAY['ENS']::text[]),
    ('animation-socio-educative', 'Animation socio-éducative', 'Éducation et formation', ARRAY['animateur', 'animatrice', 'bafa', 'bpjeps', 'accueil de loisirs', 'périscolaire']::text[], ARRAY['ASP']::text[]),
    ('petite-enfance', 'Petite enfance', 'Éducation et formation', ARRAY['auxiliaire de puériculture', 'éducateur de jeunes enfants', 'éducatrice de jeunes enfants', 'crèche', 'cap accompagnant éducatif petite enfance', 'atsem']::text[], ARRAY['SOC', 'ENS']::text[]),
    ('accompagnement-des-eleves-en-situation-de-handicap', 'Accompagnement des élèves en situation de handicap', 'Éducation et formation', ARRAY['aesh', 'inclusion scolaire', 'accompagnant d''élèves']::text[], ARRAY['ENS', 'SOC']::text[]),
    ('orientation-et-insertion-des-jeunes', 'Orientation et insertion des jeunes', 'Éducation et formation', ARRAY['orientation', 'conseiller d''orientation', 'insertion professionnelle', 'mission locale']::text[], ARRAY['ENS', 'SOC']::text[]),
    ('vie-scolaire', 'Vie scolaire', 'Éducation et formation', ARRAY['conseiller principal d''éducation', 'cpe', 'assistant d''éducation', 'surveillance des élèves']::text[], ARRAY['ENS']::text[]),
    ('sport-et-activites-physiques', 'Sport et activités physiques', 'Éducation et formation', ARRAY['éducateur sportif', 'éducatrice sportive', 'staps', 'maître-nageur', 'bnssa']::text[], ARRAY['ASP']::text[]),
    ('recherche-scientifique', 'Recherche scientifique', 'Éducation et formation', ARRAY['chercheur', 'chercheuse', 'doctorat', 'publications scientifiques', 'thèse', 'laboratoire de recherche']::text[], ARRAY['RCH']::text[]),
    ('accompagnement-social', 'Accompagnement social', 'Social', ARRAY['assistant de service social', 'assistante de service social', 'travail social', 'accompagnement des familles', 'diplôme d''état d''assistant de service social']::text[], ARRAY['SOC']::text[]),
    ('protection-de-l-enfance', 'Protection de l''enfance', 'Social', ARRAY['aide sociale à l''enfance', 'ase', 'éducateur spécialisé', 'éducatrice spécialisée', 'placement familial']::text[], ARRAY['SOC']::text[]),
    ('insertion-sociale-et-professionnelle', 'Insertion sociale et professionnelle', 'Social', ARRAY['rsa', 'conseiller en insertion', 'conseillère en insertion', 'accompagnement vers l''emploi', 'iae']::text[], ARRAY['SOC']::text[]),
    ('accompagnement-des-personnes-agees', 'Accompagnement des personnes âgées', 'Social', ARRAY['ehpad', 'aide à domicile', 'gérontologie', 'perte d''autonomie', 'apa']::text[], ARRAY['SOC', 'MED']::text[]),
    ('accompagnement-des-personnes-handicapees', 'Accompagnement des personnes handicapées', 'Social', ARRAY['handicap', 'mdph', 'accompagnant éducatif et social', 'aes', 'esat']::text[], ARRAY['SOC']::text[]),
    ('mediation', 'Médiation', 'Social', ARRAY['médiateur', 'médiatrice', 'médiation sociale', 'gestion des conflits', 'médiation numérique']::text[], ARRAY['SOC', 'USA']::text[]),
    ('politique-de-la-ville', 'Politique de la ville', 'Social', ARRAY['quartiers prioritaires', 'contrat de ville', 'cohésion sociale', 'développement social urbain']::text[], ARRAY['SOC', 'AMT']::text[]),
    ('logement-social', 'Logement social', 'Social', ARRAY['habitat', 'attribution de logements', 'droit au logement', 'hébergement d''urgence']::text[], ARRAY['SOC', 'AMT']::text[]),
    ('maintenance-des-batiments', 'Maintenance des bâtiments', 'Technique', ARRAY['entretien des bâtiments', 'maintenance', 'agent d''entretien', 'tous corps d''état', 'petits travaux']::text[], ARRAY['BAT', 'LOG']::text[]),
    ('electricite', 'Électricité', 'Technique', ARRAY['électricien', 'électricienne', 'habilitation électrique', 'courants faibles', 'installations électriques']::text[], ARRAY['BAT', 'LOG']::text[]),
    ('plomberie-et-chauffage', 'Plomberie et chauffage', 'Technique', ARRAY['plombier', 'plombière', 'chauffagiste', 'génie climatique', 'cvc', 'sanitaire']::text[], ARRAY['BAT']::text[]),
    ('menuiserie', 'Menuiserie', 'Technique', ARRAY['menuisier', 'menuisière', 'ébénisterie', 'charpente']::text[], ARRAY['BAT']::text[]),
    ('maitrise-d-ouvrage-de-travaux', 'Maîtrise d''ouvrage de travaux', 'Technique', ARRAY['conduite d''opérations', 'maîtrise d''œuvre', 'suivi de chantier', 'conducteur de travaux', 'conductrice de travaux', 'marchés de travaux']::text[], ARRAY['BAT', 'AMT']::text[]),
    ('dessin-et-conception-technique', 'Dessin et conception technique', 'Technique', ARRAY['dessinateur', 'dessinatrice', 'autocad', 'revit', 'bim', 'dao', 'cao']::text[], ARRAY['BAT', 'AMT']::text[]),
    ('voirie-et-reseaux-divers', 'Voirie et réseaux divers', 'Technique', ARRAY['voirie', 'vrd', 'travaux publics', 'assainissement', 'éclairage public']::text[], ARRAY['AMT', 'LOG']::text[]),
    ('espaces-verts', 'Espaces verts', 'Technique', ARRAY['jardinier', 'jardinière', 'paysagiste', 'entretien des espaces verts', 'élagage', 'horticulture']::text[], ARRAY['ENV', 'LOG']::text[]),
    ('mecanique-automobile', 'Mécanique automobile', 'Technique', ARRAY['mécanicien', 'mécanicienne', 'entretien de véhicules', 'garage', 'parc automobile', 'poids lourds']::text[], ARRAY['LOG', 'TRA']::text[]),
    ('logistique-et-magasinage', 'Logistique et magasinage', 'Technique', ARRAY['magasinier', 'magasinière', 'gestion des stocks', 'approvisionnement', 'caces', 'chariot élévateur']::text[], ARRAY['LOG']::text[]),
    ('restauration-collective', 'Restauration collective', 'Technique', ARRAY['cuisinier', 'cuisinière', 'cuisine', 'haccp', 'restauration scolaire', 'plonge']::text[], ARRAY['LOG']::text[]),
    ('proprete-et-hygiene-des-locaux', 'Propreté et hygiène des locaux', 'Technique', ARRAY['agent d''entretien', 'nettoyage', 'entretien des locaux', 'propreté urbaine']::text[], ARRAY['LOG']::text[]),
    ('conduite-de-vehicules', 'Conduite de véhicules', 'Technique', ARRAY['chauffeur', 'conducteur', 'conductrice', 'permis c', 'permis d', 'permis poids lourd', 'fimo']::text[], ARRAY['TRA', 'LOG']::text[]),
    ('urbanisme', 'Urbanisme', 'Technique', ARRAY['droit des sols', 'permis de construire', 'plu', 'plan local d''urbanisme', 'instruction des autorisations d''urbanisme', 'aménagement urbain']::text[], ARRAY['AMT']::text[]),
    ('systeme-d-information-geographique', 'Système d''information géographique', 'Technique', ARRAY['sig', 'cartographie', 'qgis', 'arcgis', 'géomatique']::text[], ARRAY['AMT', 'NUM']::text[]),
    ('gestion-de-l-energie', 'Gestion de l''énergie', 'Technique', ARRAY['énergie', 'efficacité énergétique', 'transition énergétique', 'économe de flux', 'rénovation énergétique']::text[], ARRAY['ENV', 'BAT']::text[]),
    ('environnement-et-biodiversite', 'Environnement et biodiversité', 'Environnement et agriculture', ARRAY['biodiversité', 'écologie', 'milieux naturels', 'natura 2000', 'police de l''environnement']::text[], ARRAY['ENV']::text[]),
    ('gestion-de-l-eau', 'Gestion de l''eau', 'Environnement et agriculture', ARRAY['eau potable', 'assainissement', 'gestion des milieux aquatiques', 'gemapi', 'hydrologie']::text[], ARRAY['ENV', 'AMT']::text[]),
    ('gestion-des-dechets', 'Gestion des déchets', 'Environnement et agriculture', ARRAY['déchets', 'collecte des déchets', 'économie circulaire', 'recyclage', 'déchetterie']::text[], ARRAY['ENV', 'LOG']::text[]),
    ('agriculture-et-agroalimentaire', 'Agriculture et agroalimentaire', 'Environnement et agriculture', ARRAY['agronomie', 'politique agricole commune', 'pac', 'exploitations agricoles', 'agroalimentaire']::text[], ARRAY['AGR']::text[]),
    ('securite-sanitaire-des-aliments', 'Sécurité sanitaire des aliments', 'Environnement et agriculture', ARRAY['inspection sanitaire', 'contrôle vétérinaire', 'hygiène alimentaire', 'abattoirs']::text[], ARRAY['AGR', 'SAN']::text[]),
    ('foret', 'Forêt', 'Environnement et agriculture', ARRAY['sylviculture', 'gestion forestière', 'office national des forêts', 'bûcheronnage']::text[], ARRAY['AGR', 'ENV']::text[]),
    ('securite-publique', 'Sécurité publique', 'Sécurité et défense', ARRAY['police', 'policier', 'policière', 'gendarmerie', 'maintien de l''ordre', 'police municipale']::text[], ARRAY['SEC']::text[]),
    ('securite-incendie', 'Sécurité incendie', 'Sécurité et défense', ARRAY['ssiap', 'pompier', 'sapeur-pompier', 'prévention incendie', 'secours']::text[], ARRAY['SEC']::text[]),
    ('surveillance-et-gardiennage', 'Surveillance et gardiennage', 'Sécurité et défense', ARRAY['agent de sécurité', 'surveillance', 'contrôle d''accès', 'vidéoprotection', 'gardiennage']::text[], ARRAY['SEC']::text[]),
    ('gestion-de-crise', 'Gestion de crise', 'Sécurité et défense', ARRAY['planification d''urgence', 'plan communal de sauvegarde', 'gestion des crises', 'protection civile', 'orsec']::text[], ARRAY['SEC', 'DIR']::text[]),
    ('defense', 'Défense', 'Sécurité et défense', ARRAY['armées', 'militaire', 'renseignement militaire']::text[], ARRAY['DEF']::text[]),
    ('renseignement', 'Renseignement', 'Sécurité et défense', ARRAY['analyse du renseignement', 'contre-terrorisme', 'veille sécuritaire']::text[], ARRAY['REN']::text[]),
    ('controle-et-inspection-reglementaires', 'Contrôle et inspection réglementaires', 'Sécurité et défense', ARRAY['inspecteur', 'inspectrice', 'contrôle réglementaire', 'inspection du travail', 'icpe', 'répression des fraudes']::text[], ARRAY['CTL', 'SEC']::text[]),
    ('douane', 'Douane', 'Sécurité et défense', ARRAY['dédouanement', 'contrôle douanier', 'réglementation douanière', 'commerce international']::text[], ARRAY['FIP', 'SEC']::text[]),
    ('conservation-du-patrimoine', 'Conservation du patrimoine', 'Culture', ARRAY['patrimoine', 'monuments historiques', 'conservateur du patrimoine', 'restauration du patrimoine']::text[], ARRAY['CUL']::text[]),
    ('mediation-culturelle', 'Médiation culturelle', 'Culture', ARRAY['action culturelle', 'médiateur culturel', 'médiatrice culturelle', 'éducation artistique et culturelle']::text[], ARRAY['CUL']::text[]),
    ('bibliotheque', 'Bibliothèque', 'Culture', ARRAY['bibliothécaire', 'lecture publique', 'médiathèque', 'catalogage', 'acquisitions']::text[], ARRAY['DOC', 'CUL']::text[]),
    ('programmation-culturelle', 'Programmation culturelle', 'Culture', ARRAY['spectacle vivant', 'régie de spectacle', 'régisseur', 'régisseuse', 'événementiel']::text[], ARRAY['CUL', 'COM']::text[]),
    ('enseignement-artistique', 'Enseignement artistique', 'Culture', ARRAY['conservatoire', 'professeur de musique', 'école d''art', 'danse', 'arts plastiques']::text[], ARRAY['CUL', 'ENS']::text[]),
    ('communication-numerique', 'Communication numérique', 'Communication', ARRAY['community manager', 'réseaux sociaux', 'contenus web', 'rédaction web', 'référencement', 'newsletter']::text[], ARRAY['COM', 'NUM']::text[]),
    ('graphisme', 'Graphisme', 'Communication', ARRAY['graphiste', 'pao', 'indesign', 'photoshop', 'illustrator', 'identité visuelle']::text[], ARRAY['COM']::text[]),
    ('evenementiel', 'Événementiel', 'Communication', ARRAY['organisation d''événements', 'protocole', 'relations publiques', 'salons']::text[], ARRAY['COM']::text[]),
    ('relations-presse', 'Relations presse', 'Communication', ARRAY['attaché de presse', 'attachée de presse', 'communiqués de presse', 'médias']::text[], ARRAY['COM']::text[]),
    ('relation-client-et-teleconseil', 'Relation client et téléconseil', 'Relation à l''usager', ARRAY['centre d''appels', 'téléconseiller', 'téléconseillère', 'relation client', 'gestion des réclamations']::text[], ARRAY['USA']::text[]),
    ('traduction-et-interpretariat', 'Traduction et interprétariat', 'Relation à l''usager', ARRAY['traducteur', 'traductrice', 'interprète', 'traduction']::text[], ARRAY['INT', 'USA']::text[]),
    ('transports-et-mobilites', 'Transports et mobilités', 'Transports', ARRAY['mobilités', 'transport public', 'plan de mobilité', 'infrastructures de transport']::text[], ARRAY['TRA', 'AMT']::text[]),
    ('navigation-et-affaires-maritimes', 'Navigation et affaires maritimes', 'Transports', ARRAY['affaires maritimes', 'marine marchande', 'sécurité maritime', 'activités portuaires']::text[], ARRAY['TRA']::text[]),
    ('aviation-civile', 'Aviation civile', 'Transports', ARRAY['contrôle aérien', 'aéroport', 'navigabilité', 'aéronautique']::text[], ARRAY['TRA']::text[]),
    ('maitrise-de-l-anglais', 'Maîtrise de l''anglais', 'Langues', ARRAY['anglais', 'english', 'anglais professionnel', 'toeic', 'toefl']::text[], ARRAY['INT']::text[]),
    ('maitrise-de-l-allemand', 'Maîtrise de l''allemand', 'Langues', ARRAY['allemand', 'german', 'deutsch']::text[], ARRAY['INT']::text[]),
    ('maitrise-de-l-espagnol', 'Maîtrise de l''espagnol', 'Langues', ARRAY['espagnol', 'spanish', 'español']::text[], ARRAY['INT']::text[]),
    ('langue-des-signes-francaise', 'Langue des signes française', 'Langues', ARRAY['lsf', 'langue des signes']::text[], ARRAY['USA']::text[]),
    ('bureautique', 'Bureautique', 'Transverse', ARRAY['word', 'excel', 'powerpoint', 'suite office', 'libreoffice', 'traitement de texte', 'tableur']::text[], ARRAY['USA', 'DIR']::text[]),
    ('animation-de-reseaux-et-partenariats', 'Animation de réseaux et partenariats', 'Transverse', ARRAY['partenariats', 'animation de réseau', 'travail en réseau', 'concertation']::text[], ARRAY['DIR', 'AMT']::text[]),
    ('developpement-territorial', 'Développement territorial', 'Transverse', ARRAY['développement local', 'aménagement du territoire', 'attractivité', 'développement économique', 'collectivités territoriales']::text[], ARRAY['AMT']::text[])
ON CONFLICT (slug) DO NOTHING;

-- +goose Down
DROP TABLE competence_metiers;
DELETE FROM competences WHERE slug IN ('redaction-administrative', 'secretariat-et-assistanat-de-direction', 'gestion-administrative', 'pilotage-des-politiques-publiques', 'controle-de-gestion', 'audit-et-inspection', 'evaluation-des-politiques-publiques', 'organisation-et-qualite', 'relations-internationales', 'veille-et-documentation', 'archivage', 'elections-et-etat-civil', 'preparation-et-execution-budgetaire', 'analyse-financiere', 'fiscalite', 'comptabilite-generale', 'subventions-et-financements', 'paie', 'recrutement', 'formation-professionnelle', 'gestion-des-carrieres', 'dialogue-social', 'prevention-des-risques-professionnels', 'statut-de-la-fonction-publique', 'droit-public', 'droit-prive', 'legistique', 'procedure-penale', 'accompagnement-des-personnes-placees-sous-main-de-justice', 'protection-des-donnees-personnelles', 'soins-infirmiers', 'aide-soignance', 'medecine', 'pharmacie', 'reeducation', 'sage-femme', 'imagerie-medicale', 'biologie-medicale', 'sante-publique', 'hygiene-hospitaliere', 'psychologie', 'secretariat-medical', 'premiers-secours', 'enseignement', 'animation-socio-educative', 'petite-enfance', 'accompagnement-des-eleves-en-situation-de-handicap', 'orientation-et-insertion-des-jeunes', 'vie-scolaire', 'sport-et-activites-physiques', 'recherche-scientifique', 'accompagnement-social', 'protection-de-l-enfance', 'insertion-sociale-et-professionnelle', 'accompagnement-des-personnes-agees', 'accompagnement-des-personnes-handicapees', 'mediation', 'politique-de-la-ville', 'logement-social', 'maintenance-des-batiments', 'electricite', 'plomberie-et-chauffage', 'menuiserie', 'maitrise-d-ouvrage-de-travaux', 'dessin-et-conception-technique', 'voirie-et-reseaux-divers', 'espaces-verts', 'mecanique-automobile', 'logistique-et-magasinage', 'restauration-collective', 'proprete-et-hygiene-des-locaux', 'conduite-de-vehicules', 'urbanisme', 'systeme-d-information-geographique', 'gestion-de-l-energie', 'environnement-et-biodiversite', 'gestion-de-l-eau', 'gestion-des-dechets', 'agriculture-et-agroalimentaire', 'securite-sanitaire-des-aliments', 'foret', 'securite-publique', 'securite-incendie', 'surveillance-et-gardiennage', 'gestion-de-crise', 'defense', 'renseignement', 'controle-et-inspection-reglementaires', 'douane', 'conservation-du-patrimoine', 'mediation-culturelle', 'bibliotheque', 'programmation-culturelle', 'enseignement-artistique', 'communication-numerique', 'graphisme', 'evenementiel', 'relations-presse', 'relation-client-et-teleconseil', 'traduction-et-interpretariat', 'transports-et-mobilites', 'navigation-et-affaires-maritimes', 'aviation-civile', 'maitrise-de-l-anglais', 'maitrise-de-l-allemand', 'maitrise-de-l-espagnol', 'langue-des-signes-francaise', 'bureautique', 'animation-de-reseaux-et-partenariats', 'developpement-territorial') AND id NOT IN (SELECT competence_id FROM offer_competences);
ALTER TABLE competences DROP COLUMN synonyms, DROP COLUMN domaine_codes;
