package demo

import (
	"cmp"
	"slices"
)

// DemoPassword is the password of every demo account.
const DemoPassword = "passerelle-demo"

// Territories is the demo territory tree, parents listed before children.
// Load imports the reference file reference/territories-hauts-de-france.csv
// first (where communes sit under their intercommunality) and adds from this
// list only what the file lacks: the priority neighbourhoods.
//
// Official codes: region Hauts-de-France (32), departments Nord (59) and
// Pas-de-Calais (62), the Métropole Européenne de Lille (SIREN 200093201)
// and communes by INSEE code. Communes whose EPCI is not listed are attached
// directly to their department. Priority neighbourhoods (QPV) carry local
// codes prefixed with "qpv-", not official QPV codes.
var Territories = []Territory{
	{Code: "32", Name: "Hauts-de-France", Level: "region"},
	{Code: "59", Name: "Nord", Level: "department", Parent: "32"},
	{Code: "62", Name: "Pas-de-Calais", Level: "department", Parent: "32"},
	{Code: "200093201", Name: "Métropole Européenne de Lille", Level: "epci", Parent: "59"},

	{Code: "59350", Name: "Lille", Level: "commune", Parent: "200093201"},
	{Code: "59512", Name: "Roubaix", Level: "commune", Parent: "200093201"},
	{Code: "59599", Name: "Tourcoing", Level: "commune", Parent: "200093201"},
	{Code: "59183", Name: "Dunkerque", Level: "commune", Parent: "59"},
	{Code: "59606", Name: "Valenciennes", Level: "commune", Parent: "59"},
	{Code: "62041", Name: "Arras", Level: "commune", Parent: "62"},
	{Code: "62498", Name: "Lens", Level: "commune", Parent: "62"},
	{Code: "62193", Name: "Calais", Level: "commune", Parent: "62"},
	{Code: "62160", Name: "Boulogne-sur-Mer", Level: "commune", Parent: "62"},

	{Code: "qpv-lille-moulins", Name: "Moulins", Level: "qpv", Parent: "59350"},
	{Code: "qpv-lille-sud", Name: "Lille-Sud", Level: "qpv", Parent: "59350"},
	{Code: "qpv-roubaix-alma", Name: "L’Alma", Level: "qpv", Parent: "59512"},
	{Code: "qpv-tourcoing-bourgogne", Name: "La Bourgogne", Level: "qpv", Parent: "59599"},
	{Code: "qpv-calais-beau-marais", Name: "Beau-Marais", Level: "qpv", Parent: "62193"},
	{Code: "qpv-lens-grande-residence", Name: "La Grande Résidence", Level: "qpv", Parent: "62498"},
}

// Themes are the themes of urban-policy contracts.
var Themes = []Theme{
	{Slug: "lutte-contre-les-discriminations", Name: "Lutte contre les discriminations"},
	{Slug: "renouvellement-urbain", Name: "Renouvellement urbain"},
	{Slug: "emploi", Name: "Emploi et insertion"},
	{Slug: "developpement-economique", Name: "Développement économique"},
	{Slug: "education", Name: "Éducation"},
	{Slug: "sante", Name: "Santé"},
	{Slug: "citoyennete", Name: "Citoyenneté et participation"},
	{Slug: "egalite-femmes-hommes", Name: "Égalité femmes-hommes"},
	{Slug: "jeunesse", Name: "Jeunesse"},
	{Slug: "cadre-de-vie", Name: "Cadre de vie"},
	{Slug: "culture", Name: "Culture"},
	{Slug: "tranquillite-publique", Name: "Tranquillité publique et prévention"},
	{Slug: "acces-aux-droits", Name: "Accès aux droits"},
}

// E-mails of the demo accounts, used as practice authors below.
const (
	emailAdmin     = "admin@passerelle.test"
	emailRegion    = "nathalie.dubois@passerelle.test"
	emailNord      = "karim.benali@passerelle.test"
	emailLille     = "sophie.lemaire@passerelle.test"
	emailRoubaix   = "mehdi.haddad@passerelle.test"
	emailPasCalais = "julie.caron@passerelle.test"
	emailReader    = "thomas.vasseur@passerelle.test"
)

// Accounts are the demo accounts, all with the password DemoPassword:
//
//   - admin@passerelle.test (Camille Lefebvre): platform administrator;
//   - nathalie.dubois@passerelle.test (Nathalie Dubois): moderator of the
//     Hauts-de-France region (32);
//   - karim.benali@passerelle.test (Karim Benali): moderator of the Nord
//     department (59);
//   - sophie.lemaire@passerelle.test (Sophie Lemaire): contributor on Lille
//     (59350);
//   - mehdi.haddad@passerelle.test (Mehdi Haddad): contributor on Roubaix
//     (59512);
//   - julie.caron@passerelle.test (Julie Caron): contributor on Calais (62193)
//     and Lens (62498);
//   - thomas.vasseur@passerelle.test (Thomas Vasseur): reader, no grants.
var Accounts = []Account{
	{Email: emailAdmin, Name: "Camille Lefebvre", Password: DemoPassword, Admin: true},
	{Email: emailRegion, Name: "Nathalie Dubois", Password: DemoPassword,
		Grants: []Grant{{Role: "moderator", Territory: "32"}}},
	{Email: emailNord, Name: "Karim Benali", Password: DemoPassword,
		Grants: []Grant{{Role: "moderator", Territory: "59"}}},
	{Email: emailLille, Name: "Sophie Lemaire", Password: DemoPassword,
		Grants: []Grant{{Role: "contributor", Territory: "59350"}}},
	{Email: emailRoubaix, Name: "Mehdi Haddad", Password: DemoPassword,
		Grants: []Grant{{Role: "contributor", Territory: "59512"}}},
	{Email: emailPasCalais, Name: "Julie Caron", Password: DemoPassword,
		Grants: []Grant{{Role: "contributor", Territory: "62193"}, {Role: "contributor", Territory: "62498"}}},
	{Email: emailReader, Name: "Thomas Vasseur", Password: DemoPassword},
}

// Logins returns the demo accounts in the order in which they should be
// printed at start-up: administrators, moderators from the widest territory
// down, contributors, then readers. The returned slice and its grants are
// copies, so callers may modify them freely.
func Logins() []Account {
	out := make([]Account, len(Accounts))
	for i, a := range Accounts {
		a.Grants = append([]Grant(nil), a.Grants...)
		out[i] = a
	}
	slices.SortStableFunc(out, func(a, b Account) int { return cmp.Compare(loginRank(a), loginRank(b)) })
	return out
}

// loginRank orders accounts for Logins: administrators first, then
// moderators by depth of their widest territory, then contributors, then
// accounts without grants.
func loginRank(a Account) int {
	if a.Admin {
		return 0
	}
	rank := 1000
	for _, g := range a.Grants {
		r := 500
		if g.Role == "moderator" {
			r = 1 + territoryDepth(g.Territory)
		}
		rank = min(rank, r)
	}
	return rank
}

// territoryDepth returns the number of ancestors of the territory with the
// given code (0 for the root or an unknown code).
func territoryDepth(code string) int {
	parent := make(map[string]string, len(Territories))
	for _, t := range Territories {
		parent[t.Code] = t.Parent
	}
	depth := 0
	for p := parent[code]; p != "" && depth < len(Territories); p = parent[p] {
		depth++
	}
	return depth
}

// Practices are the demo practice sheets: ten published, three submitted for
// moderation and one draft, mixing experience reports and teaching tools.
var Practices = []Practice{
	{
		Kind:      "experience",
		Title:     "Un forum de recrutement sur CV anonyme à Lille-Sud",
		Summary:   "Une journée de recrutement où les entreprises choisissent les candidats sur leurs seules compétences, sans nom, photo ni adresse.",
		Territory: "qpv-lille-sud",
		Themes:    []string{"emploi", "lutte-contre-les-discriminations"},
		Author:    emailLille,
		Status:    "published",
		Body: `## Le constat

À Lille-Sud, le chômage des jeunes reste bien plus élevé que dans le reste de la métropole. Beaucoup d’habitants racontent qu’ils sont écartés dès la lecture de leur CV, à cause de leur adresse, de leur nom ou de leur âge.

## Ce que nous avons fait

Nous avons organisé un forum de recrutement d’une journée où **tous les entretiens étaient décrochés sur CV anonyme** :

- les candidats déposaient leur CV en amont auprès de la Mission locale ou de France Travail, qui retiraient nom, photo, âge et adresse ;
- les recruteurs sélectionnaient les profils sur la base des seules compétences et expériences ;
- chaque entreprise signait une charte d’engagement et suivait une courte sensibilisation aux biais de recrutement.

## Les résultats

Sur 214 candidats, 138 ont obtenu un entretien et 41 ont été recrutés dans les trois mois, en CDI, en CDD de plus de six mois ou en alternance. Plusieurs employeurs disent avoir « découvert des profils qu’ils n’auraient jamais convoqués ».

## Points de vigilance

L’anonymisation demande **un vrai temps de préparation** : comptez deux personnes à mi-temps pendant un mois. Prévoyez aussi un atelier de préparation aux entretiens, car l’anonymat s’arrête à la porte de la salle.`,
		Experience: &Experience{
			Context:   "Dans le quartier prioritaire de Lille-Sud, le chômage des jeunes est très supérieur à la moyenne métropolitaine et de nombreux habitants disent être écartés dès la lecture de leur CV.",
			Actions:   "Organisation d’un forum de recrutement d’une journée avec des CV anonymisés en amont par les acteurs de l’emploi, une charte signée par les entreprises et des ateliers de préparation aux entretiens.",
			Partners:  []string{"France Travail (ex-Pôle emploi)", "Mission locale", "Délégué du préfet", "Maison de l’emploi", "Club d’entreprises du quartier"},
			Results:   "214 candidats, 138 entretiens et 41 recrutements dans les trois mois, en majorité sur des contrats durables.",
			Lessons:   "L’anonymisation exige environ un mois de préparation à deux personnes. La préparation des candidats aux entretiens compte autant que l’anonymat du CV.",
			StartedOn: "2023-03-01",
			EndedOn:   "2023-06-30",
		},
	},
	{
		Kind:      "experience",
		Title:     "Marche exploratoire des femmes dans le quartier des Moulins",
		Summary:   "Des habitantes parcourent leur quartier de jour comme de nuit pour repérer ce qui freine leur liberté de circuler et proposer des aménagements.",
		Territory: "qpv-lille-moulins",
		Themes:    []string{"egalite-femmes-hommes", "cadre-de-vie", "tranquillite-publique"},
		Author:    emailLille,
		Status:    "published",
		Body: `## Pourquoi une marche exploratoire ?

Lors des réunions du conseil citoyen, plusieurs habitantes des Moulins expliquaient qu’elles évitaient certaines rues le soir ou qu’elles faisaient de longs détours pour rentrer chez elles. Nous avons voulu **partir de leur expertise d’usage** plutôt que d’un diagnostic technique.

## Déroulement

Un groupe de douze femmes de 19 à 72 ans a préparé la démarche pendant trois séances :

1. repérage sur plan des lieux vécus comme agréables ou inconfortables ;
2. deux marches, l’une en journée, l’autre à la tombée de la nuit, avec une grille d’observation (éclairage, visibilité, propreté, présence humaine, signalétique) ;
3. restitution des constats et des propositions aux élus, au bailleur et aux services techniques.

## Ce qui a changé

Sur les 23 propositions formulées, **15 ont été réalisées en un an** : renforcement de l’éclairage d’un passage piéton, élagage, déplacement d’un arrêt de bus, réouverture d’un cheminement le long du parc. Au-delà des travaux, les participantes sont devenues des interlocutrices reconnues par les services de la ville.

## Conseils

Garantissez un **retour rapide et visible** aux participantes : les premiers travaux doivent intervenir dans les six mois, sinon la mobilisation s’essouffle. Prévoyez une garde d’enfants pendant les séances.`,
		Experience: &Experience{
			Context:   "Des habitantes des Moulins évitaient certaines rues le soir et faisaient des détours pour rentrer chez elles, sans que ces usages apparaissent dans les diagnostics techniques.",
			Actions:   "Préparation en trois séances, deux marches de jour et de nuit avec une grille d’observation, puis restitution des propositions aux élus, au bailleur et aux services techniques.",
			Partners:  []string{"Conseil citoyen", "Centre social", "Bailleur social", "Services techniques de la ville", "Délégué du préfet"},
			Results:   "23 propositions formulées, dont 15 réalisées en un an (éclairage, élagage, déplacement d’un arrêt de bus, réouverture d’un cheminement).",
			Lessons:   "Un retour rapide et visible est indispensable pour maintenir la mobilisation. La garde d’enfants conditionne la participation de nombreuses habitantes.",
			StartedOn: "2022-09-15",
			EndedOn:   "2023-09-30",
		},
	},
	{
		Kind:      "tool",
		Title:     "Kit de formation des agents d’accueil à la prévention des discriminations",
		Summary:   "Une journée de formation clé en main, avec mises en situation, pour que les agents d’accueil repèrent et évitent les pratiques discriminatoires.",
		Territory: "59350",
		Themes:    []string{"lutte-contre-les-discriminations", "acces-aux-droits"},
		Author:    emailLille,
		Status:    "published",
		Body: `## À quoi sert ce kit ?

Les agents d’accueil des mairies de quartier, des centres sociaux ou des bailleurs sont **le premier contact des habitants avec les services publics**. Une remarque maladroite, une demande de justificatif non prévue par les textes ou un refus mal expliqué peuvent suffire à éloigner durablement une personne de ses droits.

## Contenu

Le kit permet à un formateur ou à un cadre de proximité d’animer une journée complète :

- un **rappel du cadre juridique** : les critères de discrimination prévus par la loi et le rôle du Défenseur des droits ;
- huit **mises en situation** tirées de cas réels (demande de logement, inscription scolaire, accès à une salle municipale) ;
- un quiz pour distinguer discrimination, inégalité de traitement et simple maladresse ;
- une fiche réflexe à afficher derrière le guichet.

## Retours des premières sessions

Quatre sessions ont réuni 52 agents. Les participants apprécient surtout les mises en situation, qui font émerger des pratiques installées sans que personne ne les ait questionnées, par exemple exiger un titre de séjour pour une simple inscription à une activité.

## Conseils d’utilisation

Associez **un encadrant** à chaque session : les changements de pratique supposent souvent de modifier une procédure ou un formulaire.`,
		Tool: &Tool{
			Audience:  []string{"agents d’accueil", "encadrants de proximité", "agents des bailleurs sociaux"},
			Format:    "kit",
			Duration:  "1 journée",
			License:   "CC-BY-SA-4.0",
			Languages: []string{"fr"},
		},
	},
	{
		Kind:      "tool",
		Title:     "« Cartes sur table » : un jeu sur les stéréotypes pour les collégiens",
		Summary:   "Un jeu de cartes coopératif pour faire réfléchir les élèves de quatrième et de troisième aux stéréotypes de genre et d’origine.",
		Territory: "59512",
		Themes:    []string{"education", "lutte-contre-les-discriminations", "egalite-femmes-hommes"},
		Author:    emailRoubaix,
		Status:    "published",
		Body: `## Le principe

« Cartes sur table » est un jeu coopératif conçu avec des enseignants et des animateurs de Roubaix. Les élèves, par équipes de quatre, tirent des **cartes situation** (un recrutement, une orientation scolaire, une sortie entre amis) et doivent repérer les stéréotypes cachés avant que le sablier ne s’écoule.

## Déroulement d’une séance

1. **Échauffement** (15 minutes) : chacun associe des métiers à des cartes personnages, puis on compare les choix.
2. **Partie** (60 minutes) : les équipes résolvent les situations et gagnent des jetons lorsqu’elles proposent une réponse qui évite la discrimination.
3. **Débat** (45 minutes) : l’animateur revient sur les situations qui ont suscité le plus de désaccords.

## Ce que nous avons observé

Le jeu a été utilisé dans cinq collèges, avec près de 600 élèves. Les enseignants notent que **la forme ludique libère la parole** : des élèves qui ne s’expriment jamais en classe racontent des situations vécues. Les questions sur l’orientation des filles vers les filières techniques suscitent les échanges les plus riches.

## Conseils

Prévoyez **deux adultes par classe** et préparez le débat final : certaines situations font écho à des expériences personnelles douloureuses. Le livret de l’animateur propose des relances et des ressources pour orienter un élève qui se confie.`,
		Tool: &Tool{
			Audience:  []string{"collégiens", "enseignants", "animateurs jeunesse"},
			Format:    "game",
			Duration:  "2 heures",
			License:   "CC-BY-NC-SA-4.0",
			Languages: []string{"fr"},
		},
	},
	{
		Kind:      "experience",
		Title:     "Entreprendre au féminin à l’Alma",
		Summary:   "Un parcours de dix-huit mois pour accompagner des habitantes de l’Alma de l’idée à la création de leur activité.",
		Territory: "qpv-roubaix-alma",
		Themes:    []string{"developpement-economique", "emploi", "egalite-femmes-hommes"},
		Author:    emailRoubaix,
		Status:    "published",
		Body: `## Le point de départ

À l’Alma, de nombreuses habitantes exercent déjà une activité informelle : couture, cuisine, coiffure, garde d’enfants. Elles hésitent pourtant à franchir le pas de la création d’entreprise, faute de réseau, de financement ou de confiance dans les démarches administratives.

## Le parcours

Nous avons construit un parcours en trois étapes, **au plus près du quartier** :

- des **cafés de l’entrepreneuriat** mensuels au centre social pour faire émerger les idées ;
- un accompagnement individuel de six mois par une conseillère en création d’entreprise, avec étude de marché et prévisionnel ;
- un **test d’activité** dans une boutique éphémère partagée, louée à loyer modéré par le bailleur.

Les participantes bénéficient aussi d’une solution de garde d’enfants pendant les ateliers et d’un accès au microcrédit.

## Résultats

En deux ans, 64 femmes ont participé aux cafés, 27 ont suivi l’accompagnement individuel et **14 ont créé leur activité**, dont trois sous forme de coopérative. Onze étaient toujours en activité un an après.

## Enseignements

La **boutique éphémère** a été décisive : elle permet de tester un prix, une clientèle et un rythme de travail sans risque. Le lien avec les banques doit être préparé très en amont, idéalement avec un réseau de microcrédit.`,
		Experience: &Experience{
			Context:   "Beaucoup d’habitantes de l’Alma exercent une activité informelle mais hésitent à créer leur entreprise, faute de réseau, de financement et de confiance dans les démarches.",
			Actions:   "Cafés de l’entrepreneuriat mensuels, accompagnement individuel de six mois et test d’activité dans une boutique éphémère partagée, avec garde d’enfants et accès au microcrédit.",
			Partners:  []string{"Centre social", "Réseau d’accompagnement à la création d’entreprise", "Bailleur social", "Association de microcrédit", "Caisse d’allocations familiales (CAF)"},
			Results:   "64 participantes aux cafés, 27 accompagnées individuellement et 14 activités créées, dont 11 toujours actives après un an.",
			Lessons:   "Le test d’activité en boutique éphémère est décisif. Le lien avec les financeurs doit être préparé très tôt.",
			StartedOn: "2021-10-01",
			EndedOn:   "2023-12-31",
		},
	},
	{
		Kind:      "tool",
		Title:     "Guide du locataire pendant le renouvellement urbain",
		Summary:   "Un guide illustré qui explique aux locataires, étape par étape, ce qui les attend pendant un projet de renouvellement urbain : relogement, travaux, droits.",
		Territory: "qpv-roubaix-alma",
		Themes:    []string{"renouvellement-urbain", "cadre-de-vie", "acces-aux-droits"},
		Author:    emailRoubaix,
		Status:    "published",
		Body: `## Pourquoi ce guide ?

Un projet de renouvellement urbain s’étale sur dix ans ou plus. Pour les locataires, il est souvent synonyme d’**inquiétude** : vais-je devoir partir ? Où serai-je relogé ? Mon loyer va-t-il augmenter ? Les informations existent, mais elles sont dispersées entre la ville, le bailleur et l’État.

## Ce que contient le guide

Rédigé avec des locataires et une amicale de locataires, le guide répond en langage simple aux questions les plus fréquentes :

- les **grandes étapes du projet**, de la concertation à la livraison des nouveaux logements ;
- les **droits des locataires relogés** : nombre de propositions, prise en charge du déménagement, reste à charge ;
- les travaux en site occupé : nuisances, calendrier, interlocuteurs ;
- un carnet d’adresses et une page pour noter ses propres rendez-vous.

Chaque chapitre tient sur une double page illustrée, avec un encadré « À retenir ».

## Comment l’utiliser

Le guide est remis lors de l’enquête sociale préalable au relogement, puis utilisé comme support dans les permanences de la maison du projet. Une version en arabe a été réalisée pour les ménages qui le souhaitaient.

## Adapter le guide

Les textes sont publiés sous licence ouverte : **remplacez les exemples et les contacts** par ceux de votre projet et faites relire la nouvelle version par des locataires avant impression.`,
		Tool: &Tool{
			Audience:  []string{"locataires", "amicales de locataires", "chargés de relogement des bailleurs"},
			Format:    "guide",
			Duration:  "30 minutes de lecture",
			License:   "Etalab-2.0",
			Languages: []string{"fr", "ar"},
		},
	},
	{
		Kind:      "experience",
		Title:     "Des missions de service civique pour les jeunes de Calais",
		Summary:   "Une promotion de volontaires en service civique engagés dans les associations et les équipements des quartiers prioritaires de Calais.",
		Territory: "62193",
		Themes:    []string{"jeunesse", "citoyennete", "education"},
		Author:    emailPasCalais,
		Status:    "published",
		Body: `## Le contexte

À Calais, peu de jeunes des quartiers prioritaires connaissaient le service civique, et les missions proposées étaient surtout occupées par des étudiants venus d’autres quartiers. Nous voulions que **les jeunes du Beau-Marais et du Fort-Nieulay s’engagent chez eux**, au service de leurs voisins.

## Ce que nous avons mis en place

Avec la Mission locale et les associations du territoire, nous avons constitué une **promotion de vingt volontaires** de 16 à 25 ans :

- un repérage par les éducateurs de prévention et les centres sociaux, sans condition de diplôme ;
- des missions de huit mois dans l’aide aux devoirs, la médiation numérique, le sport ou l’animation des jardins partagés ;
- des **journées collectives** mensuelles (premiers secours, citoyenneté, découverte des institutions) ;
- un tutorat renforcé et un bilan de fin de mission centré sur le projet professionnel.

## Résultats

Dix-huit volontaires sont allés au bout de leur mission. Six mois plus tard, quinze étaient en formation, en emploi ou en apprentissage. Plusieurs structures d’accueil ont recruté leur ancien volontaire.

## Ce que nous retenons

Le **collectif** fait la différence : les journées communes créent une solidarité qui aide à tenir pendant les moments de découragement. Les tuteurs doivent être formés et disposer de temps réel pour accompagner les jeunes.`,
		Experience: &Experience{
			Context:   "Les jeunes des quartiers prioritaires de Calais connaissaient peu le service civique et les missions locales étaient surtout occupées par des jeunes d’autres quartiers.",
			Actions:   "Constitution d’une promotion de vingt volontaires repérés par les acteurs de proximité, missions de huit mois dans les associations du quartier, journées collectives mensuelles et tutorat renforcé.",
			Partners:  []string{"Mission locale", "Service départemental à la jeunesse, à l’engagement et aux sports (SDJES)", "Centres sociaux", "Club de prévention spécialisée", "Associations sportives et culturelles"},
			Results:   "18 volontaires sur 20 ont terminé leur mission ; six mois après, 15 étaient en formation, en emploi ou en apprentissage.",
			Lessons:   "Les temps collectifs soutiennent l’engagement des volontaires. Les tuteurs doivent être formés et disposer de temps dédié.",
			StartedOn: "2022-10-03",
			EndedOn:   "2023-06-30",
		},
	},
	{
		Kind:      "experience",
		Title:     "Des jardins partagés au pied des immeubles du Beau-Marais",
		Summary:   "Des habitants transforment des pelouses délaissées en jardins cultivés ensemble, support de lien social, d’alimentation saine et d’amélioration du cadre de vie.",
		Territory: "qpv-calais-beau-marais",
		Themes:    []string{"cadre-de-vie", "sante", "citoyennete"},
		Author:    emailPasCalais,
		Status:    "published",
		Body: `## L’idée

Au Beau-Marais, les espaces verts entre les immeubles étaient peu utilisés et souvent dégradés. Lors d’une réunion publique, un groupe d’habitants a proposé d’y **cultiver des légumes et des fleurs**. Le bailleur a accepté de mettre à disposition trois parcelles.

## La mise en œuvre

Le projet a démarré au printemps avec un animateur jardinier présent deux demi-journées par semaine :

- construction des bacs en chantier participatif avec des jeunes du quartier ;
- **ateliers hebdomadaires** de jardinage, de compostage et de cuisine des récoltes ;
- une charte rédigée par les jardiniers eux-mêmes pour répartir les parcelles et l’arrosage ;
- des fêtes de saison ouvertes à tout le quartier.

## Les effets observés

Une quarantaine de foyers participe régulièrement, dont beaucoup de personnes âgées isolées et de familles nombreuses. Les dégradations ont presque disparu sur les parcelles concernées. Les ateliers cuisine ont permis de parler d’**alimentation et de santé** sans discours moralisateur.

## Nos conseils

Ne sous-estimez pas l’**accès à l’eau** : un point d’eau mal placé peut faire échouer le projet. Laissez aussi le temps aux habitants de s’approprier les lieux ; la charte a été réécrite trois fois en deux ans, et c’est très bien ainsi.`,
		Experience: &Experience{
			Context:   "Les espaces verts entre les immeubles du Beau-Marais étaient peu utilisés et souvent dégradés ; des habitants ont proposé d’y cultiver ensemble.",
			Actions:   "Mise à disposition de trois parcelles par le bailleur, construction de bacs en chantier participatif, ateliers hebdomadaires de jardinage et de cuisine, et charte rédigée par les jardiniers.",
			Partners:  []string{"Bailleur social", "Centre social", "Association d’éducation à l’environnement", "Conseil citoyen", "Caisse primaire d’assurance maladie (CPAM)"},
			Results:   "Une quarantaine de foyers participe régulièrement et les dégradations ont presque disparu sur les parcelles cultivées.",
			Lessons:   "L’accès à l’eau est un préalable. L’appropriation par les habitants prend du temps et passe par une charte qu’ils font évoluer eux-mêmes.",
			StartedOn: "2021-04-01",
			EndedOn:   "",
		},
	},
	{
		Kind:      "tool",
		Title:     "Former les élus à la participation des habitants",
		Summary:   "Un module de formation en deux demi-journées pour aider les élus à associer les habitants et les conseils citoyens aux décisions du contrat de ville.",
		Territory: "62498",
		Themes:    []string{"citoyennete"},
		Author:    emailPasCalais,
		Status:    "published",
		Body: `## Objectifs

La loi prévoit l’association des habitants au pilotage des contrats de ville, notamment par les **conseils citoyens**. Dans la pratique, les élus manquent souvent de repères pour organiser une concertation qui ne se limite pas à une réunion d’information. Ce module les aide à passer de l’information à la **co-construction**.

## Programme

**Première demi-journée : comprendre**

- les différents niveaux de participation, de l’information à la décision partagée ;
- le rôle et les moyens des conseils citoyens ;
- témoignages d’élus et de membres de conseils citoyens du bassin minier.

**Seconde demi-journée : pratiquer**

- mise en situation : préparer une concertation sur le réaménagement d’une place ;
- choix des outils selon les publics : balade urbaine, atelier, questionnaire, budget participatif ;
- construction d’un engagement personnel à tenir dans les six mois.

## Supports fournis

Le kit comprend un diaporama, les fiches des exercices, une grille d’autodiagnostic des pratiques de la commune et une bibliographie courte.

## Retours

Trois sessions ont réuni 38 élus de communes de tailles très différentes. Les participants retiennent surtout l’**échange entre pairs** et les témoignages d’habitants, qui rendent concrètes les attentes des conseils citoyens.`,
		Tool: &Tool{
			Audience:  []string{"élus", "agents de développement local", "membres des conseils citoyens"},
			Format:    "training",
			Duration:  "2 demi-journées",
			License:   "CC-BY-4.0",
			Languages: []string{"fr"},
		},
	},
	{
		Kind:      "experience",
		Title:     "Une permanence d’accès aux droits et au numérique à la Grande Résidence",
		Summary:   "Une permanence hebdomadaire au cœur du quartier pour aider les habitants dans leurs démarches en ligne et prévenir le non-recours aux droits.",
		Territory: "qpv-lens-grande-residence",
		Themes:    []string{"acces-aux-droits", "citoyennete"},
		Author:    emailPasCalais,
		Status:    "published",
		Body: `## Le problème

La dématérialisation des démarches a éloigné de nombreux habitants de la Grande Résidence de leurs droits : dossiers de prestations sociales incomplets, rendez-vous manqués, renouvellements de titres oubliés. Les structures existantes, situées en centre-ville, étaient peu fréquentées par les habitants du quartier.

## Notre réponse

Depuis janvier 2023, une **permanence hebdomadaire** se tient dans un local du bailleur au pied des immeubles :

- un conseiller numérique accompagne les démarches en ligne et propose des ateliers d’initiation ;
- une fois par mois, des agents de la CAF et de la CPAM assurent une permanence commune ;
- les situations complexes sont orientées vers une structure France Services avec un **rendez-vous pris sur place**.

## Premiers résultats

En un an, la permanence a reçu plus de 700 visites et accompagné 260 personnes différentes. Une centaine de dossiers de droits non ouverts ont été régularisés, principalement des aides au logement et des complémentaires santé.

## Ce que nous avons appris

La **proximité physique** est déterminante : beaucoup de personnes ne seraient jamais allées en centre-ville. Il faut aussi veiller à ne pas « faire à la place » des usagers, sauf urgence, pour qu’ils gagnent progressivement en autonomie.`,
		Experience: &Experience{
			Context:   "La dématérialisation des démarches a éloigné de nombreux habitants de la Grande Résidence de leurs droits, et les structures d’accompagnement du centre-ville étaient peu fréquentées.",
			Actions:   "Permanence hebdomadaire dans un local du bailleur avec un conseiller numérique, permanences mensuelles de la CAF et de la CPAM, et orientation accompagnée vers France Services.",
			Partners:  []string{"Conseiller numérique France Services", "Caisse d’allocations familiales (CAF)", "Caisse primaire d’assurance maladie (CPAM)", "Bailleur social", "Centre communal d’action sociale (CCAS)"},
			Results:   "Plus de 700 visites et 260 personnes accompagnées en un an ; une centaine de droits non ouverts régularisés.",
			Lessons:   "La proximité physique est déterminante pour toucher les personnes en non-recours. L’accompagnement doit viser l’autonomie plutôt que faire à la place.",
			StartedOn: "2023-01-09",
			EndedOn:   "",
		},
	},
	{
		Kind:      "experience",
		Title:     "Des médiatrices santé à Lille-Sud",
		Summary:   "Deux médiatrices en santé vont à la rencontre des habitants pour faciliter l’accès aux soins, au dépistage et à la prévention.",
		Territory: "qpv-lille-sud",
		Themes:    []string{"sante", "acces-aux-droits"},
		Author:    emailLille,
		Status:    "submitted",
		Body: `## Le contexte

À Lille-Sud, les indicateurs de santé sont nettement moins bons que dans le reste de la ville : dépistages moins fréquents, renoncement aux soins pour raisons financières, difficulté à trouver un médecin traitant. Le **contrat local de santé** a identifié la médiation en santé comme une priorité.

## L’action

Deux médiatrices en santé, recrutées parmi des habitantes du quartier et formées par un organisme spécialisé, interviennent depuis septembre 2023 :

- **permanences** au centre social, à la maison de quartier et à la pharmacie ;
- présence sur les marchés et aux sorties d’école pour aller vers les personnes éloignées du soin ;
- accompagnement physique vers les premiers rendez-vous médicaux lorsque c’est nécessaire ;
- relais des campagnes de dépistage et de vaccination, en lien avec les professionnels de santé du quartier.

## Premiers enseignements

Plus de 300 personnes ont été accompagnées au cours de la première année, dont une majorité de femmes. Les médiatrices ont permis l’ouverture de nombreux droits à la complémentaire santé solidaire et l’orientation vers un médecin traitant.

Leur **connaissance du quartier** facilite la confiance, mais elle les expose aussi : une supervision régulière et une analyse de la pratique sont indispensables pour éviter l’épuisement.`,
		Experience: &Experience{
			Context:   "À Lille-Sud, les habitants renoncent plus souvent aux soins et se font moins dépister que dans le reste de la ville ; le contrat local de santé a fait de la médiation une priorité.",
			Actions:   "Recrutement et formation de deux médiatrices en santé issues du quartier, permanences de proximité, démarches d’aller-vers et accompagnement vers les premiers rendez-vous médicaux.",
			Partners:  []string{"Agence régionale de santé (ARS)", "Caisse primaire d’assurance maladie (CPAM)", "Centre social", "Maison de santé pluriprofessionnelle", "Délégué du préfet"},
			Results:   "Plus de 300 personnes accompagnées la première année, avec de nombreuses ouvertures de droits à la complémentaire santé solidaire.",
			Lessons:   "La proximité des médiatrices crée la confiance mais les expose ; la supervision et l’analyse de la pratique sont indispensables.",
			StartedOn: "2023-09-01",
			EndedOn:   "2024-08-31",
		},
	},
	{
		Kind:      "tool",
		Title:     "« Paroles de quartier » : une série vidéo réalisée par des jeunes de Roubaix",
		Summary:   "Six courts épisodes tournés par des jeunes roubaisiens pour déconstruire les préjugés sur leur quartier, avec un livret d’animation pour les débats.",
		Territory: "59512",
		Themes:    []string{"culture", "jeunesse", "lutte-contre-les-discriminations"},
		Author:    emailRoubaix,
		Status:    "submitted",
		Body: `## Le projet

Pendant un an, une douzaine de jeunes de 15 à 22 ans ont suivi des ateliers d’écriture, de tournage et de montage avec une association d’éducation à l’image. Leur objectif : **montrer leur quartier tel qu’ils le vivent**, loin des images véhiculées par les reportages télévisés.

## La série

« Paroles de quartier » compte six épisodes de cinq minutes environ :

1. **Mon adresse**, sur les refus d’entretien liés au lieu de résidence ;
2. **Les grands frères**, portrait d’animateurs bénévoles ;
3. **Elles jouent aussi**, sur la place des filles dans les équipements sportifs ;
4. **Le marché**, chronique d’un samedi matin ;
5. **Contrôles**, échange entre jeunes et policiers ;
6. **Demain**, les rêves et les projets des participants.

## Utiliser la série

Chaque épisode peut servir de **support de débat** en classe, en centre social ou en formation d’agents publics. Le livret d’animation propose pour chacun des questions de relance, des repères juridiques et des pistes d’action.

## Ce qu’en disent les jeunes

Les participants disent avoir découvert que leur parole pouvait intéresser des élus et des professionnels. Plusieurs poursuivent aujourd’hui une formation dans l’audiovisuel, et la série a été projetée au cinéma du quartier devant plus de deux cents personnes.`,
		Tool: &Tool{
			Audience:  []string{"lycéens", "animateurs jeunesse", "agents publics", "grand public"},
			Format:    "video",
			Duration:  "6 épisodes de 5 minutes",
			License:   "CC-BY-NC-SA-4.0",
			Languages: []string{"fr"},
		},
	},
	{
		Kind:      "experience",
		Title:     "Des chantiers éducatifs pour les 16–25 ans au Beau-Marais",
		Summary:   "De courts chantiers rémunérés pour remettre en activité des jeunes éloignés de l’emploi tout en améliorant les espaces communs du quartier.",
		Territory: "qpv-calais-beau-marais",
		Themes:    []string{"jeunesse", "emploi", "tranquillite-publique"},
		Author:    emailPasCalais,
		Status:    "submitted",
		Body: `## Pourquoi des chantiers éducatifs ?

Au Beau-Marais, une partie des jeunes de 16 à 25 ans n’est ni en emploi, ni en formation, ni suivie par une structure. Les éducateurs de prévention constataient qu’un **premier pas concret et rémunéré** était souvent plus mobilisateur qu’un rendez-vous dans un bureau.

## Comment cela fonctionne

Chaque chantier réunit cinq jeunes pendant une à deux semaines, encadrés par un éducateur et un encadrant technique :

- remise en peinture de halls d’immeubles et de locaux associatifs ;
- petits aménagements des espaces extérieurs avec le bailleur ;
- **rémunération** par une association intermédiaire, avec un vrai contrat de travail ;
- un bilan individuel en fin de chantier avec la Mission locale pour construire la suite du parcours.

## Ce que nous observons

Sur trois ans, 74 jeunes ont participé à au moins un chantier. Une majorité a ensuite accepté un accompagnement par la Mission locale ou une formation qualifiante. Les habitants remarquent le travail réalisé et **le regard porté sur les jeunes change**, ce qui contribue aussi à apaiser certaines tensions dans les halls.

## Nos points d’attention

Le lien avec l’éducateur doit exister **avant** le chantier : sans relation de confiance, les jeunes ne viennent pas ou abandonnent dès le deuxième jour.`,
		Experience: &Experience{
			Context:   "Au Beau-Marais, de nombreux jeunes de 16 à 25 ans ne sont ni en emploi, ni en formation, ni accompagnés, et se mobilisent peu sur des rendez-vous classiques.",
			Actions:   "Chantiers rémunérés d’une à deux semaines pour cinq jeunes, encadrés par un éducateur et un encadrant technique, suivis d’un bilan avec la Mission locale.",
			Partners:  []string{"Club de prévention spécialisée", "Association intermédiaire", "Bailleur social", "Mission locale", "Délégué du préfet"},
			Results:   "74 jeunes ont participé en trois ans ; la majorité a ensuite accepté un accompagnement ou une formation qualifiante.",
			Lessons:   "La relation de confiance avec l’éducateur doit précéder le chantier. La visibilité des travaux change le regard des habitants sur les jeunes.",
			StartedOn: "2021-02-01",
			EndedOn:   "2023-12-31",
		},
	},
	{
		Kind:      "experience",
		Title:     "Fête de quartier aux Moulins (brouillon)",
		Summary:   "Une fête de quartier co-organisée avec les habitants et les associations du quartier des Moulins.",
		Territory: "qpv-lille-moulins",
		Themes:    []string{"culture", "citoyennete"},
		Author:    emailLille,
		Status:    "draft",
		Body: `## Le projet

Chaque année en juin, les associations des Moulins organisent une fête de quartier. Cette fiche présentera la démarche engagée pour que **les habitants co-organisent** l’édition suivante, de la programmation à la tenue des stands.

## À compléter

- le calendrier de préparation ;
- la liste des partenaires ;
- le bilan de fréquentation.`,
		Experience: &Experience{
			Context:   "Les associations des Moulins organisent chaque année une fête de quartier en juin.",
			StartedOn: "2024-01-15",
		},
	},
}
