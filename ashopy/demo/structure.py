"""The demo's fixed data: stores, taxes, discounts, category trees, product types and people."""

from decimal import Decimal

DEMO_PASSWORD = "demo-ashopy-2025"  # noqa: S105 - printed by load_demo, for a demo database only

STORES = {
    "dakar": {
        "name": "ashopy Dakar", "currency": "XOF", "country": "SN", "timezone": "Africa/Dakar",
        "default_language": "fr", "prices_include_tax": True,
        "legal_name": "ashopy Sénégal SARL", "tax_id": "NINEA 009876543 2V2",
        "address": "Route des Almadies, immeuble Kébé, 2e étage", "city": "Dakar", "postal_code": "12000",
        "email": "contact@dakar.ashopy.test", "phone": "+221338601234", "domain": "dakar.localhost",
    },
    "paris": {
        "name": "ashopy Paris", "currency": "EUR", "country": "FR", "timezone": "Europe/Paris",
        "default_language": "fr", "prices_include_tax": True,
        "legal_name": "ashopy France SAS", "tax_id": "SIRET 852 369 743 00012",
        "address": "18 rue du Faubourg Saint-Antoine", "city": "Paris", "postal_code": "75011",
        "email": "contact@paris.ashopy.test", "phone": "+33142685500", "domain": "paris.localhost",
    },
}

# (code, name, rate %, default) per store.
TAX_CLASSES = {
    "dakar": [("standard", "TVA 18 %", Decimal(18), True), ("exonere", "Exonéré de TVA", Decimal(0), False)],
    "paris": [("standard", "TVA 20 %", Decimal(20), True), ("reduit", "TVA réduite 5,5 %", Decimal("5.5"), False)],
}

SEGMENT_DISCOUNTS = {"etudiant": Decimal(10), "professionnel": Decimal(5), "entreprise": Decimal(7),
                     "institution": Decimal(8)}

# (slug, name, parent slug, description); "only" limits a branch to one store.
CATEGORIES = [
    ("informatique", "Informatique", None, "Ordinateurs, écrans, imprimantes et réseau, pour la maison et le bureau."),
    ("ordinateurs", "Ordinateurs", "informatique", "Portables et fixes, pour étudier, travailler et créer."),
    ("ordinateurs-portables", "Ordinateurs portables", "ordinateurs",
     "Ultraportables, portables professionnels et MacBook, livrés prêts à l'emploi."),
    ("ordinateurs-de-bureau", "Ordinateurs de bureau", "ordinateurs",
     "Tours, mini-PC et tout-en-un pour équiper un poste de travail durable."),
    ("ecrans", "Écrans", "informatique", "Moniteurs Full HD et 4K pour travailler confortablement."),
    ("imprimantes", "Imprimantes", "informatique", "Laser et jet d'encre à réservoirs, pour le bureau et la maison."),
    ("reseau-et-onduleurs", "Réseau et onduleurs", "informatique",
     "Routeurs Wi-Fi, modems 4G et onduleurs pour rester connecté malgré les coupures."),
    ("telephonie", "Téléphonie", None, "Smartphones et tablettes des grandes marques."),
    ("smartphones", "Smartphones", "telephonie", "Du double SIM abordable au haut de gamme 5G."),
    ("tablettes", "Tablettes", "telephonie", "Tablettes pour lire, apprendre et se divertir."),
    ("accessoires", "Accessoires", None, "Tout ce qui accompagne vos appareils au quotidien."),
    ("souris-et-claviers", "Souris et claviers", "accessoires", "Claviers AZERTY, souris filaires et sans fil."),
    ("audio", "Audio", "accessoires", "Casques, écouteurs et enceintes Bluetooth."),
    ("stockage", "Stockage", "accessoires", "Clés USB, cartes mémoire, disques durs et SSD."),
    ("chargeurs-et-cables", "Chargeurs et câbles", "accessoires", "Chargeurs rapides, batteries externes et câbles."),
    ("sacoches-et-protections", "Sacoches et protections", "accessoires",
     "Sacs à dos, sacoches, coques et verres trempés."),
    ("immobilier", "Immobilier", None, "Appartements, villas et terrains de nos programmes au Sénégal.", "dakar"),
    ("appartements", "Appartements", "immobilier", "Appartements neufs du F2 au F4, clés en main.", "dakar"),
    ("villas", "Villas", "immobilier", "Villas familiales avec jardin, certaines avec piscine.", "dakar"),
    ("terrains", "Terrains", "immobilier", "Terrains viabilisés avec titre foncier.", "dakar"),
    ("livres-et-formations", "Livres et formations", None,
     "Guides pratiques pour apprendre le numérique, taux de TVA réduit.", "paris"),
]

# slug → (name, [(slug, name, kind, unit, choices)])
PRODUCT_TYPES = {
    "ordinateur": ("Ordinateur", [
        ("processeur", "Processeur", "text", "", []),
        ("ram", "Mémoire vive", "integer", "Go", []),
        ("stockage", "Stockage", "integer", "Go", []),
        ("ecran", "Écran", "decimal", "pouces", []),
        ("tactile", "Écran tactile", "boolean", "", []),
        ("systeme", "Système", "choice", "",
         ["Windows 11 Famille", "Windows 11 Pro", "Windows 10 Pro", "macOS", "FreeDOS"]),
    ]),
    "mobile": ("Smartphone et tablette", [
        ("ecran", "Écran", "decimal", "pouces", []),
        ("stockage", "Stockage", "integer", "Go", []),
        ("batterie", "Batterie", "integer", "mAh", []),
        ("reseau", "Réseau", "choice", "", ["4G", "5G", "Wi-Fi"]),
        ("double-sim", "Double SIM", "boolean", "", []),
    ]),
    "accessoire": ("Accessoire et périphérique", [
        ("connectique", "Connectique", "choice", "",
         ["USB-A", "USB-C", "Bluetooth", "Sans fil 2,4 GHz", "HDMI", "Wi-Fi", "Secteur", "Aucune"]),
        ("sans-fil", "Sans fil", "boolean", "", []),
        ("garantie", "Garantie", "integer", "mois", []),
        ("compatibilite", "Compatibilité", "text", "", []),
    ]),
    "bien-immobilier": ("Bien immobilier", [
        ("quartier", "Quartier", "choice", "", ["Almadies", "Mermoz", "Ngor", "Diamniadio", "Saly", "Keur Ndiaye Lo"]),
        ("parking", "Parking", "boolean", "", []),
        ("piscine", "Piscine", "boolean", "", []),
        ("titre-foncier", "Titre foncier", "boolean", "", []),
        ("livraison", "Année de livraison", "integer", "", []),
        ("vue", "Vue", "text", "", []),
    ]),
    "livre": ("Livre", [
        ("auteur", "Auteur", "text", "", []),
        ("editeur", "Éditeur", "text", "", []),
        ("pages", "Pages", "integer", "", []),
        ("niveau", "Niveau", "choice", "", ["Débutant", "Intermédiaire", "Avancé"]),
    ]),
}
STORE_PRODUCT_TYPES = {"dakar": ["ordinateur", "mobile", "accessoire", "bien-immobilier"],
                       "paris": ["ordinateur", "mobile", "accessoire", "livre"]}

# The people of the demo: (e-mail, first name, last name, phone, role, store, segment, partner?)
PARTNER = {"store": "dakar", "name": "Université Cheikh Anta Diop", "kind": "universite",
           "contact_name": "Service des relations extérieures", "email": "partenariats@ucad.ashopy.test",
           "discount_percent": Decimal(5)}
SUPERUSER = ("admin@ashopy.test", "Adja", "Sy")
PEOPLE = [
    ("gestionnaire.dakar@ashopy.test", "Mamadou", "Ba", "+221771002030", "gestionnaire", "dakar", "", False),
    ("vendeur.dakar@ashopy.test", "Aminata", "Fall", "+221776543210", "vendeur", "dakar", "", False),
    ("gestionnaire.paris@ashopy.test", "Julien", "Moreau", "+33612345678", "gestionnaire", "paris", "", False),
    ("vendeur.paris@ashopy.test", "Camille", "Laurent", "+33698765432", "vendeur", "paris", "", False),
    ("client@ashopy.test", "Ibrahima", "Sow", "+221781234567", "client", "dakar", "", False),
    ("etudiant@ashopy.test", "Awa", "Ndiaye", "+221775551122", "client", "dakar", "etudiant", False),
    ("pro@ashopy.test", "Cheikh", "Diagne", "+221709876543", "client", "dakar", "professionnel", False),
    ("entreprise@ashopy.test", "Khady", "Mbaye", "+221338224455", "client", "dakar", "entreprise", False),
    ("institution@ashopy.test", "Ousmane", "Faye", "+221338899001", "client", "dakar", "institution", False),
    ("ucad@ashopy.test", "Fatou", "Sarr", "+221764443322", "client", "dakar", "etudiant", True),
    ("lea.girard@ashopy.test", "Léa", "Girard", "+33611223344", "client", "paris", "", False),
    ("antoine.roux@ashopy.test", "Antoine", "Roux", "+33655443322", "client", "paris", "professionnel", False),
]
# A client's home address: (line, city, postal code, country)
ADDRESSES = {
    "client@ashopy.test": ("Cité Keur Gorgui, villa 24", "Dakar", "12500", "SN"),
    "etudiant@ashopy.test": ("Cité universitaire Claudel, pavillon B", "Dakar", "10700", "SN"),
    "pro@ashopy.test": ("Rue Carnot x Jules Ferry, Plateau", "Dakar", "10000", "SN"),
    "entreprise@ashopy.test": ("Zone industrielle de Diamniadio, lot 12", "Diamniadio", "18000", "SN"),
    "institution@ashopy.test": ("Building administratif Mamadou Dia", "Dakar", "10200", "SN"),
    "ucad@ashopy.test": ("Avenue Cheikh Anta Diop, Fann", "Dakar", "10700", "SN"),
    "lea.girard@ashopy.test": ("27 rue de la Roquette", "Paris", "75011", "FR"),
    "antoine.roux@ashopy.test": ("8 cours Gambetta", "Lyon", "69003", "FR"),
}

# Each store's warehouses: (code, name, kind, allocation priority, address, city)
WAREHOUSES = {
    "dakar": [("entrepot", "Entrepôt de Mbao", "main", 1, "Route de Rufisque, zone industrielle de Mbao", "Dakar"),
              ("boutique", "Boutique des Almadies", "shop", 2, "Route des Almadies, immeuble Kébé", "Dakar")],
    "paris": [("entrepot", "Entrepôt d'Ivry", "main", 1, "12 quai Marcel Boyer", "Ivry-sur-Seine"),
              ("boutique", "Boutique du Faubourg", "shop", 2, "18 rue du Faubourg Saint-Antoine", "Paris")],
}

# Each store's suppliers: (name, contact, e-mail, phone, lead time in days, product types it supplies)
SUPPLIERS = {
    "dakar": [
        ("Sahel Informatique Distribution", "Moussa Diallo", "commandes@sahel-info.ashopy.test", "+221338201010", 10,
         ["ordinateur", "accessoire"]),
        ("Teranga Mobile Import", "Rokhaya Gueye", "achats@teranga-mobile.ashopy.test", "+221338302020", 21,
         ["mobile"]),
    ],
    "paris": [
        ("Hexa Distribution", "Nicolas Petit", "commandes@hexa.ashopy.test", "+33145001020", 3,
         ["ordinateur", "accessoire", "mobile"]),
        ("Diffusion Savoirs", "Claire Martin", "pro@diffusion-savoirs.ashopy.test", "+33143002030", 5, ["livre"]),
    ],
}
