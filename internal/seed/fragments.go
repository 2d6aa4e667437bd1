package seed

// The fragments practices are built from. Each theme of the demo data set
// has its own actions, tools and subjects; a theme the seeder does not know
// borrows generic ones and its own name. Sentences are written so that any
// fragment fits any slot: the generated sheets read like real ones, vary
// enough for search to rank them, and use the words readers search for
// (discriminations, égalité, embauche, pédagogique…).

// themeWords are the fragments of one theme.
type themeWords struct {
	actions  []string // what was done, as a noun phrase: "un forum de recrutement sur CV anonyme"
	tools    []string // a tool, as a noun phrase without its format: "sur les stéréotypes de genre"
	problems []string // what the action answers: "les discriminations à l'embauche"
	results  []string // a result, as a sentence ending with a period
}

var themeBank = map[string]themeWords{
	"lutte-contre-les-discriminations": {
		actions: []string{"un forum de recrutement sur CV anonyme", "des ateliers de sensibilisation aux discriminations",
			"un testing des agences immobilières", "une formation des recruteurs aux biais inconscients",
			"un réseau de parrainage vers l'emploi", "une campagne d'affichage contre le racisme ordinaire",
			"une permanence d'écoute des victimes de discriminations", "un théâtre-forum sur les préjugés"},
		tools: []string{"sur les stéréotypes et les préjugés", "pour recruter sans discriminer", "sur les discriminations à l'embauche",
			"sur le droit de la non-discrimination", "pour déconstruire les idées reçues"},
		problems: []string{"les discriminations à l'embauche", "les discriminations liées à l'adresse", "les préjugés envers les habitants du quartier",
			"le racisme ordinaire", "les discriminations dans l'accès au logement"},
		results: []string{"Plusieurs employeurs ont revu leurs pratiques d'embauche.", "Les victimes savent désormais vers qui se tourner.",
			"Les signalements de discriminations ont doublé, signe d'une parole libérée.", "Une charte de recrutement a été signée par douze entreprises."},
	},
	"emploi": {
		actions: []string{"un chantier d'insertion", "des job-datings de quartier", "un accompagnement renforcé vers l'emploi",
			"une clause d'insertion dans les marchés publics", "un recrutement par simulation sans CV", "une plateforme de mobilité vers l'emploi",
			"un groupement d'employeurs pour l'insertion"},
		tools: []string{"pour préparer un entretien d'embauche", "sur les métiers qui recrutent", "pour valoriser ses compétences",
			"sur la création d'entreprise", "pour accompagner le retour à l'emploi"},
		problems: []string{"le chômage de longue durée", "le chômage des jeunes", "l'éloignement des entreprises", "le manque de qualification",
			"les freins à la mobilité"},
		results: []string{"Plus d'un participant sur trois a signé un contrat durable.", "Les entreprises partenaires ont embauché localement.",
			"Les embauches en alternance ont progressé.", "Le taux de sortie positive dépasse les objectifs fixés."},
	},
	"developpement-economique": {
		actions: []string{"une couveuse d'entreprises", "des commerces éphémères en pied d'immeuble", "un marché de créateurs",
			"un accompagnement des commerçants de proximité", "une pépinière de l'économie sociale et solidaire"},
		tools:    []string{"pour tester son projet d'entreprise", "sur l'économie sociale et solidaire", "pour redynamiser un centre commercial"},
		problems: []string{"la vacance commerciale", "le manque de services de proximité", "la difficulté à financer un projet"},
		results: []string{"Six commerces ont ouvert durablement.", "Les créateurs accompagnés ont franchi le cap des trois ans.",
			"Le centre commercial a retrouvé de la fréquentation."},
	},
	"education": {
		actions: []string{"un club de lecture", "des ateliers d'aide aux devoirs", "un dispositif de réussite éducative",
			"une classe-orchestre au collège", "des ateliers parents-école", "un programme d'éloquence pour les collégiens",
			"une cité éducative"},
		tools: []string{"sur l'orientation scolaire", "pour apprendre à débattre", "sur le harcèlement scolaire", "d'éducation aux médias",
			"pédagogique sur la laïcité"},
		problems: []string{"le décrochage scolaire", "l'éloignement entre les familles et l'école", "l'orientation subie",
			"les difficultés de lecture"},
		results: []string{"Les résultats scolaires des élèves suivis se sont améliorés.", "Les parents viennent plus souvent à l'école.",
			"Aucun élève accompagné n'a décroché cette année.", "Les enseignants ont repris les séquences pédagogiques dans leurs classes."},
	},
	"sante": {
		actions: []string{"un atelier santé ville", "des permanences de médiation en santé", "un bus de dépistage",
			"un parcours sport-santé", "des groupes de parole sur la santé mentale"},
		tools: []string{"sur l'alimentation équilibrée", "sur la santé mentale des adolescents", "pour accéder aux soins",
			"de prévention des addictions"},
		problems: []string{"le renoncement aux soins", "la désertification médicale", "l'isolement des personnes âgées",
			"le surpoids des enfants"},
		results: []string{"Plus de quatre cents habitants ont été dépistés.", "Les habitants connaissent mieux leurs droits à la santé.",
			"Un médecin s'est installé dans le quartier."},
	},
	"citoyennete": {
		actions: []string{"un conseil citoyen", "un budget participatif", "des débats sur la laïcité", "une université populaire",
			"un parlement des jeunes", "des balades urbaines commentées"},
		tools: []string{"pour animer une réunion publique", "sur les valeurs de la République", "pour organiser une concertation",
			"sur l'engagement bénévole"},
		problems: []string{"la défiance envers les institutions", "la faible participation aux élections", "le manque d'espaces de débat"},
		results: []string{"Les habitants ont voté pour vingt projets.", "Le conseil citoyen est désormais consulté sur chaque projet.",
			"De nouveaux bénévoles se sont engagés."},
	},
	"egalite-femmes-hommes": {
		actions: []string{"une marche exploratoire de femmes", "des ateliers sur l'égalité filles-garçons", "un groupe de parole pour mères isolées",
			"un forum des métiers sans stéréotypes", "une crèche à vocation d'insertion professionnelle"},
		tools: []string{"sur l'égalité entre les filles et les garçons", "sur les stéréotypes de genre", "contre le sexisme ordinaire",
			"sur l'égalité professionnelle"},
		problems: []string{"les inégalités entre les femmes et les hommes", "le sentiment d'insécurité des femmes dans l'espace public",
			"les stéréotypes de genre dans l'orientation", "l'isolement des mères seules"},
		results: []string{"L'éclairage de trois rues a été revu.", "Les filles investissent davantage les équipements sportifs.",
			"L'égalité est devenue un sujet de chaque conseil de quartier."},
	},
	"jeunesse": {
		actions: []string{"un chantier éducatif d'été", "un point information jeunesse mobile", "des séjours de rupture",
			"un accueil de loisirs ouvert le soir", "un service civique de quartier"},
		tools:    []string{"pour les animateurs jeunesse", "sur l'usage des réseaux sociaux", "pour préparer un premier job d'été"},
		problems: []string{"le désœuvrement des adolescents l'été", "le manque de lieux pour les jeunes", "le repli des jeunes sur le quartier"},
		results:  []string{"Une trentaine de jeunes ont obtenu leur premier emploi saisonnier.", "Les jeunes ont repris possession de la salle de quartier."},
	},
	"cadre-de-vie": {
		actions: []string{"un jardin partagé au pied des immeubles", "une gestion urbaine de proximité", "des chantiers d'embellissement",
			"un diagnostic en marchant", "une ressourcerie de quartier"},
		tools:    []string{"pour conduire un diagnostic en marchant", "sur le tri des déchets", "pour créer un jardin partagé"},
		problems: []string{"la dégradation des espaces communs", "les dépôts sauvages", "le manque d'espaces verts"},
		results:  []string{"Les dépôts sauvages ont nettement reculé.", "Le jardin réunit chaque semaine une vingtaine de familles."},
	},
	"culture": {
		actions: []string{"une résidence d'artistes", "un festival de quartier", "une fresque participative", "une bibliothèque de rue",
			"des ateliers de pratique théâtrale"},
		tools:    []string{"d'éducation artistique", "sur l'histoire du quartier", "pour monter un projet culturel"},
		problems: []string{"l'éloignement des équipements culturels", "l'image dégradée du quartier", "le manque de mémoire partagée"},
		results:  []string{"Le festival a accueilli trois mille spectateurs.", "La fresque est devenue un lieu de rendez-vous."},
	},
	"tranquillite-publique": {
		actions: []string{"des médiateurs de nuit", "une cellule de veille", "un dispositif de médiation par les pairs",
			"des ateliers de prévention des rixes", "une maison de la justice et du droit"},
		tools:    []string{"sur la gestion des conflits", "de médiation par les pairs", "de prévention de la délinquance"},
		problems: []string{"les conflits de voisinage", "les rixes entre jeunes", "le sentiment d'insécurité"},
		results:  []string{"Les conflits de voisinage se règlent plus souvent à l'amiable.", "Les incidents aux abords du collège ont diminué."},
	},
	"acces-aux-droits": {
		actions: []string{"une permanence d'accès aux droits", "un bus France services", "des ateliers numériques",
			"un accompagnement aux démarches en ligne", "des écrivains publics"},
		tools: []string{"sur l'inclusion numérique", "pour accompagner les démarches administratives", "sur les droits sociaux",
			"pour former les agents d'accueil"},
		problems: []string{"le non-recours aux droits", "la fracture numérique", "la complexité des démarches administratives"},
		results:  []string{"Plus de mille démarches ont été accompagnées.", "Le non-recours au RSA a baissé parmi les personnes reçues."},
	},
	"renouvellement-urbain": {
		actions: []string{"une maison du projet", "le relogement accompagné des locataires", "une concertation sur le nouveau quartier",
			"un chantier de rénovation avec clauses d'insertion", "une mémoire des tours démolies"},
		tools:    []string{"pour associer les habitants au projet urbain", "sur le relogement", "pour raconter la transformation du quartier"},
		problems: []string{"l'inquiétude des locataires face aux démolitions", "l'enclavement du quartier", "la vétusté des logements"},
		results:  []string{"Tous les ménages ont été relogés selon leurs souhaits.", "Les habitants ont choisi l'aménagement de la place centrale."},
	},
}

// genericWords serve themes the seeder does not know.
var genericWords = themeWords{
	actions:  []string{"un atelier participatif", "un groupe de travail avec les habitants", "une action de proximité", "un projet partenarial"},
	tools:    []string{"pour animer un atelier", "pour mobiliser les habitants", "pour conduire un projet partenarial"},
	problems: []string{"le manque de coordination entre acteurs", "l'isolement des habitants", "la méconnaissance des dispositifs"},
	results:  []string{"Les partenaires se réunissent désormais chaque trimestre.", "Les habitants se sont approprié la démarche."},
}

// publics are who an action is for.
var publics = []string{"les jeunes du quartier", "les habitantes", "les collégiens", "les lycéens", "les demandeurs d'emploi de longue durée",
	"les seniors", "les familles monoparentales", "les locataires", "les parents d'élèves", "les bénéficiaires du RSA",
	"les commerçants", "les nouveaux arrivants", "les femmes éloignées de l'emploi", "les enfants de six à onze ans"}

// audiences are who a tool is for.
var audiences = []string{"collégiens", "lycéens", "enseignants", "animateurs jeunesse", "agents d'accueil", "élus",
	"travailleurs sociaux", "recruteurs", "habitants", "membres des conseils citoyens", "bénévoles associatifs",
	"agents des bailleurs sociaux", "grand public", "parents"}

// partners are who took part.
var partners = []string{"France Travail", "la Mission locale", "le Défenseur des droits", "le délégué du préfet",
	"le bailleur social", "le centre social", "l'Éducation nationale", "la caisse d'allocations familiales",
	"l'agence régionale de santé", "le club de prévention", "la médiathèque", "une association de quartier",
	"le conseil citoyen", "la maison de l'emploi", "des entreprises du territoire", "la préfecture", "le département",
	"la politique de la ville de l'intercommunalité"}

// contexts open the sheet; %s is a problem.
var contexts = []string{
	"Un constat revenait sans cesse dans le quartier : %s.",
	"Le diagnostic partagé du contrat de ville a placé une priorité en tête : %s.",
	"Les habitants rencontrés lors des permanences évoquaient sans cesse %s.",
	"Les acteurs de terrain constataient depuis plusieurs années %s, sans réponse coordonnée.",
	"Le conseil citoyen a interpellé la ville sur %s.",
}

// methods describe how it was done.
var methods = []string{
	"Nous avons d'abord réuni les partenaires pour partager le constat et fixer des objectifs communs.",
	"Un comité de pilotage associant les habitants s'est réuni tous les deux mois.",
	"Les séances ont eu lieu au centre social, en soirée, pour permettre aux actifs de venir.",
	"Chaque participant a bénéficié d'un suivi individuel en plus des temps collectifs.",
	"La démarche s'appuie sur des outils pédagogiques simples, testés avec les premiers participants.",
	"Un binôme d'animateurs a conduit chaque séance, avec un temps d'évaluation à la fin.",
	"Nous avons choisi d'aller vers les habitants plutôt que d'attendre qu'ils viennent à nous.",
	"Le projet a été financé par les crédits de la politique de la ville et par la fondation d'une entreprise partenaire.",
	"Les professionnels ont été formés en amont pour garantir l'égalité de traitement.",
}

// lessons close the sheet.
var lessons = []string{
	"Prévoir du temps de préparation : la mobilisation des partenaires prend plusieurs mois.",
	"Associer les habitants dès la conception change tout.",
	"Un seul interlocuteur identifié rassure les participants.",
	"L'évaluation doit être pensée dès le départ, avec des indicateurs simples.",
	"Les petits groupes fonctionnent mieux que les grandes réunions.",
	"Sans financement pluriannuel, la démarche reste fragile.",
	"La communication de bouche à oreille a été plus efficace que les affiches.",
}

// toolKinds are the formats of a tool with the words that name them.
var toolKinds = []struct{ format, noun string }{
	{"game", "un jeu de plateau"}, {"game", "un jeu de cartes"}, {"game", "un escape game"},
	{"kit", "un kit pédagogique"}, {"kit", "une mallette pédagogique"}, {"guide", "un guide pratique"},
	{"guide", "un livret"}, {"video", "une vidéo"}, {"video", "une série de courts films"},
	{"training", "une formation"}, {"training", "un module de formation"}, {"other", "une exposition itinérante"},
}

var durations = []string{"1 heure", "2 heures", "une demi-journée", "une journée", "3 séances de 1 h 30", "45 minutes", "deux jours"}

var licenses = []string{"CC-BY-4.0", "CC-BY-SA-4.0", "CC-BY-NC-SA-4.0", "Etalab-2.0", "CC0-1.0"}

var toolUses = []string{
	"L'outil se prend en main en une heure, sans formation préalable.",
	"Il a été conçu avec des enseignants et testé dans trois classes.",
	"Un livret d'animation accompagne l'outil, avec des fiches pour chaque séance.",
	"Les supports sont téléchargeables et imprimables en noir et blanc.",
	"L'animateur peut adapter la durée selon le groupe.",
	"Il fonctionne avec des groupes de huit à trente participants.",
}
