"""The demo's retail catalogue: real product lines with French copy, as plans load_demo turns into products.

A plan is a dict: family, name, category, brand, type, eur (first variant's price in euros),
short, description, variants [{name, options, extra (euros)}], specs, kind, extra, tax.
"""

from decimal import Decimal

# (brand, model, screen, system, price €, touch, pitch)
LAPTOPS = [
    ("Lenovo", "IdeaPad Slim 3 15", "15.6", "Windows 11 Famille", 549, False,
     "pensé pour les études et la bureautique"),
    ("Lenovo", "ThinkPad E14 Gen 5", "14.0", "Windows 11 Pro", 899, False, "robuste, conçu pour les professionnels"),
    ("Lenovo", "ThinkPad X1 Carbon Gen 11", "14.0", "Windows 11 Pro", 1899, False, "ultraléger et haut de gamme"),
    ("Lenovo", "Yoga 7 14", "14.0", "Windows 11 Famille", 999, True, "convertible, à la fois PC et tablette"),
    ("HP", "250 G9", "15.6", "FreeDOS", 449, False, "simple et économique pour équiper une équipe"),
    ("HP", "ProBook 450 G10", "15.6", "Windows 11 Pro", 849, False, "fiable au quotidien en entreprise"),
    ("HP", "EliteBook 840 G10", "14.0", "Windows 11 Pro", 1399, False, "sécurisé, pour les cadres nomades"),
    ("HP", "Pavilion x360 14", "14.0", "Windows 11 Famille", 749, True, "convertible et polyvalent"),
    ("Dell", "Inspiron 15 3520", "15.6", "Windows 11 Famille", 529, False, "idéal pour la famille et les études"),
    ("Dell", "Latitude 5440", "14.0", "Windows 11 Pro", 1049, False, "professionnel et facile à entretenir"),
    ("Dell", "XPS 13 9315", "13.4", "Windows 11 Famille", 1299, False, "compact, au design soigné"),
    ("ASUS", "VivoBook 15 X1504", "15.6", "Windows 11 Famille", 499, False, "grand écran à petit prix"),
    ("ASUS", "ZenBook 14 OLED", "14.0", "Windows 11 Famille", 1099, False, "à l'écran OLED éclatant"),
    ("Acer", "Aspire 5 A515", "15.6", "Windows 11 Famille", 599, False, "équilibré pour tous les usages"),
    ("Acer", "Swift Go 14", "14.0", "Windows 11 Famille", 899, False, "fin, léger et endurant"),
]
MACBOOKS = [("MacBook Air 13 M2", "13.6", 1199, "Apple M2"), ("MacBook Air 15 M3", "15.3", 1599, "Apple M3"),
            ("MacBook Pro 14 M3", "14.2", 1999, "Apple M3")]
PC_CONFIGS = [("Intel Core i3-1315U", 8, 256, 0.85), ("Intel Core i5-1335U", 16, 512, 1.0),
              ("Intel Core i7-1355U", 16, 1024, 1.3)]
MAC_CONFIGS = [(8, 256, 1.0), (16, 512, 1.3)]
# (brand, model, price €, cpu, ram, storage, system)
DESKTOPS = [
    ("HP", "ProDesk 400 G9 SFF", 699, "Intel Core i5-12500", 8, 256, "Windows 11 Pro"),
    ("Dell", "OptiPlex 7010 Tour", 799, "Intel Core i5-13500", 16, 512, "Windows 11 Pro"),
    ("Lenovo", "ThinkCentre M70q Gen 4", 749, "Intel Core i5-13400T", 16, 512, "Windows 11 Pro"),
    ("Apple", "iMac 24 M3", 1599, "Apple M3", 8, 256, "macOS"),
    ("Apple", "Mac mini M2", 699, "Apple M2", 8, 256, "macOS"),
    ("ASUS", "ExpertCenter D500TD", 649, "Intel Core i5-12400", 8, 512, "Windows 11 Pro"),
]
# (brand, model, screen, network, battery, price €, storages, colours)
PHONES = [
    ("Samsung", "Galaxy A05s", "6.7", "4G", 5000, 149, [64, 128], ["Noir", "Argent"]),
    ("Samsung", "Galaxy A15", "6.5", "4G", 5000, 199, [128, 256], ["Bleu nuit", "Jaune"]),
    ("Samsung", "Galaxy A25 5G", "6.5", "5G", 5000, 279, [128, 256], ["Noir", "Bleu clair"]),
    ("Samsung", "Galaxy A35 5G", "6.6", "5G", 5000, 379, [128, 256], ["Bleu nuit", "Lilas"]),
    ("Samsung", "Galaxy S23 FE", "6.4", "5G", 4500, 599, [128, 256], ["Graphite", "Crème"]),
    ("Samsung", "Galaxy S24", "6.2", "5G", 4000, 899, [128, 256, 512], ["Noir onyx", "Violet cobalt"]),
    ("Tecno", "Spark 20", "6.56", "4G", 5000, 129, [128, 256], ["Noir gravité", "Cyber blanc"]),
    ("Tecno", "Spark 20 Pro", "6.78", "4G", 5000, 169, [256], ["Noir", "Or"]),
    ("Tecno", "Camon 20 Pro", "6.67", "4G", 5000, 229, [256], ["Noir prédawn", "Bleu serenity"]),
    ("Tecno", "Pova 5", "6.78", "4G", 6000, 179, [128, 256], ["Noir", "Vert"]),
    ("Infinix", "Smart 8", "6.6", "4G", 5000, 89, [64, 128], ["Noir", "Or"]),
    ("Infinix", "Hot 40i", "6.56", "4G", 5000, 119, [128, 256], ["Noir", "Vert palmier"]),
    ("Infinix", "Note 30", "6.78", "4G", 5000, 189, [128, 256], ["Noir", "Bleu"]),
    ("Infinix", "Zero 30 5G", "6.78", "5G", 5000, 299, [256], ["Or", "Vert"]),
    ("Apple", "iPhone 13", "6.1", "5G", 3240, 689, [128, 256], ["Minuit", "Lumière stellaire"]),
    ("Apple", "iPhone 14", "6.1", "5G", 3279, 799, [128, 256], ["Minuit", "Bleu"]),
    ("Apple", "iPhone 15", "6.1", "5G", 3349, 969, [128, 256, 512], ["Noir", "Rose"]),
    ("Apple", "iPhone 15 Pro", "6.1", "5G", 3274, 1229, [128, 256], ["Titane naturel", "Titane noir"]),
    ("Xiaomi", "Redmi 13C", "6.74", "4G", 5000, 119, [128, 256], ["Noir minuit", "Vert trèfle"]),
    ("Xiaomi", "Redmi Note 13", "6.67", "4G", 5000, 199, [128, 256], ["Noir", "Bleu glacier"]),
    ("Xiaomi", "Redmi Note 13 Pro 5G", "6.67", "5G", 5100, 349, [256, 512], ["Noir", "Violet aurore"]),
    ("Xiaomi", "Poco X6 Pro", "6.67", "5G", 5000, 329, [256, 512], ["Noir", "Jaune"]),
]
# (brand, model, screen, network, battery, price €, storages)
TABLETS = [
    ("Samsung", "Galaxy Tab A9+", "11.0", "Wi-Fi", 7040, 229, [64, 128]),
    ("Samsung", "Galaxy Tab S9 FE", "10.9", "Wi-Fi", 8000, 449, [128, 256]),
    ("Apple", "iPad 10e génération", "10.9", "Wi-Fi", 7606, 589, [64, 256]),
    ("Apple", "iPad Air 11 M2", "11.0", "Wi-Fi", 7606, 719, [128, 256]),
    ("Lenovo", "Tab M10 Plus 3e génération", "10.6", "Wi-Fi", 7700, 199, [64, 128]),
    ("Xiaomi", "Redmi Pad SE", "11.0", "Wi-Fi", 8000, 199, [128]),
    ("Lenovo", "Tab P12", "12.7", "Wi-Fi", 10200, 379, [128]),
]
# (category, brand, name, price €, short description, connection, wireless, warranty, compatibility, options)
ACCESSORIES = [
    ("ecrans", "Dell", "Écran Dell P2423 24 pouces", 239, "Dalle IPS WUXGA, pied réglable en hauteur",
     "HDMI", False, 36, "HDMI, DisplayPort, VGA", None),
    ("ecrans", "Dell", "Écran Dell S2721D 27 pouces", 259, "QHD 2560 × 1440, haut-parleurs intégrés",
     "HDMI", False, 36, "HDMI, DisplayPort", None),
    ("ecrans", "Samsung", "Écran Samsung S36C 27 pouces", 169, "Full HD, dalle VA incurvée, mode protection des yeux",
     "HDMI", False, 24, "HDMI, VGA", None),
    ("ecrans", "HP", "Écran HP 24mh", 179, "Full HD IPS, bordures fines, haut-parleurs intégrés",
     "HDMI", False, 24, "HDMI, DisplayPort, VGA", None),
    ("ecrans", "LG", "Écran LG 27UL500 4K", 299, "UHD 4K HDR10, couleurs fidèles pour la photo",
     "HDMI", False, 24, "HDMI, DisplayPort", None),
    ("ecrans", "Lenovo", "Écran Lenovo ThinkVision T24i-30", 219, "Full HD IPS, hub USB, pied ergonomique",
     "HDMI", False, 36, "HDMI, DisplayPort, VGA", None),
    ("imprimantes", "HP", "Imprimante HP LaserJet M110w", 129, "Laser monochrome Wi-Fi, 20 pages par minute",
     "Wi-Fi", True, 12, "Windows, macOS, Android, iOS", None),
    ("imprimantes", "HP", "Imprimante HP Smart Tank 580", 219, "Multifonction à réservoirs, jusqu'à 6 000 pages",
     "Wi-Fi", True, 24, "Windows, macOS, Android, iOS", None),
    ("imprimantes", "Canon", "Imprimante Canon PIXMA G3470", 199, "Multifonction couleur à réservoirs rechargeables",
     "Wi-Fi", True, 12, "Windows, macOS, Android, iOS", None),
    ("imprimantes", "Canon", "Imprimante Canon i-SENSYS MF3010", 179, "Multifonction laser compacte et fiable",
     "USB-A", False, 12, "Windows, macOS", None),
    ("imprimantes", "Epson", "Imprimante Epson EcoTank L3250", 209, "Jet d'encre à réservoirs, impression sans fil",
     "Wi-Fi", True, 24, "Windows, macOS, Android, iOS", None),
    ("imprimantes", "Brother", "Imprimante Brother HL-L2350DW", 149, "Laser monochrome recto verso automatique",
     "Wi-Fi", True, 24, "Windows, macOS, Linux", None),
    ("reseau-et-onduleurs", "TP-Link", "Routeur Wi-Fi TP-Link Archer C6", 49, "Wi-Fi 5 double bande AC1200",
     "Wi-Fi", True, 36, "Fibre, ADSL, modem 4G", None),
    ("reseau-et-onduleurs", "TP-Link", "Système Wi-Fi maillé TP-Link Deco M4", 119,
     "Couverture de toute la maison, pack de 2", "Wi-Fi", True, 36, "Fibre, ADSL", ("Pack", ["2 unités", "3 unités"])),
    ("reseau-et-onduleurs", "TP-Link", "Switch TP-Link TL-SG1008D 8 ports", 25,
     "Switch Gigabit de bureau, sans réglage", "Aucune", False, 36, "Réseau Ethernet", None),
    ("reseau-et-onduleurs", "Huawei", "Routeur 4G Huawei B311", 89, "Box 4G avec carte SIM, jusqu'à 32 appareils",
     "Wi-Fi", True, 12, "Cartes SIM Orange, Free, Expresso", None),
    ("reseau-et-onduleurs", "TP-Link", "Modem de poche 4G TP-Link M7200", 59, "MiFi 4G, batterie de 8 heures",
     "Wi-Fi", True, 24, "Toutes cartes SIM", None),
    ("reseau-et-onduleurs", "APC", "Onduleur APC Back-UPS 700 VA", 109, "Protège un ordinateur pendant les coupures",
     "Secteur", False, 24, "Ordinateur, box, routeur", None),
    ("reseau-et-onduleurs", "APC", "Onduleur APC Back-UPS Pro 1200 VA", 229, "Écran LCD, régulation automatique",
     "Secteur", False, 24, "Poste de travail complet", None),
    ("souris-et-claviers", "Logitech", "Souris sans fil Logitech M185", 19, "Compacte, récepteur USB nano",
     "Sans fil 2,4 GHz", True, 36, "Windows, macOS, Linux", ("Couleur", ["Gris", "Bleu", "Rouge"])),
    ("souris-et-claviers", "Logitech", "Souris silencieuse Logitech M330", 29, "Clics 90 % plus silencieux",
     "Sans fil 2,4 GHz", True, 36, "Windows, macOS, Chrome OS", ("Couleur", ["Noir", "Bleu"])),
    ("souris-et-claviers", "Logitech", "Souris Logitech MX Master 3S", 109,
     "Capteur 8 000 ppp, défilement ultra-rapide",
     "Bluetooth", True, 24, "Windows, macOS, Linux", ("Couleur", ["Graphite", "Gris pâle"])),
    ("souris-et-claviers", "Logitech", "Souris Logitech Pebble M350", 29, "Fine et silencieuse, Bluetooth ou USB",
     "Bluetooth", True, 24, "Windows, macOS, iPadOS", ("Couleur", ["Graphite", "Rose", "Blanc cassé"])),
    ("souris-et-claviers", "Logitech", "Clavier Logitech K120 AZERTY", 15,
     "Clavier filaire résistant aux éclaboussures", "USB-A", False, 36, "Windows, Linux", None),
    ("souris-et-claviers", "Logitech", "Ensemble clavier et souris Logitech MK270", 35,
     "Sans fil, AZERTY, 2 ans de piles", "Sans fil 2,4 GHz", True, 36, "Windows, Chrome OS", None),
    ("souris-et-claviers", "Logitech", "Clavier Bluetooth Logitech K380", 45,
     "Multi-appareils, bascule entre 3 appareils",
     "Bluetooth", True, 24, "Windows, macOS, Android, iOS", ("Couleur", ["Graphite", "Rose"])),
    ("souris-et-claviers", "HP", "Ensemble clavier et souris HP 150", 25, "Filaire, AZERTY, touches silencieuses",
     "USB-A", False, 12, "Windows", None),
    ("audio", "JBL", "Casque JBL Tune 510BT", 49, "Bluetooth 5.0, 40 heures d'autonomie",
     "Bluetooth", True, 12, "Smartphones, ordinateurs", ("Couleur", ["Noir", "Bleu", "Blanc"])),
    ("audio", "JBL", "Enceinte JBL Go 3", 39, "Compacte, étanche IP67", "Bluetooth", True, 12,
     "Tous appareils Bluetooth",
     ("Couleur", ["Noir", "Bleu", "Rouge"])),
    ("audio", "JBL", "Enceinte JBL Flip 6", 129, "Son puissant, 12 heures d'autonomie, étanche",
     "Bluetooth", True, 12, "Tous appareils Bluetooth", ("Couleur", ["Noir", "Bleu", "Rouge"])),
    ("audio", "JBL", "Enceinte JBL Charge 5", 179, "20 heures d'autonomie, fait office de batterie externe",
     "Bluetooth", True, 12, "Tous appareils Bluetooth", ("Couleur", ["Noir", "Bleu"])),
    ("audio", "Sony", "Casque Sony WH-CH520", 59, "Léger, 50 heures d'autonomie, charge rapide",
     "Bluetooth", True, 12, "Smartphones, ordinateurs", ("Couleur", ["Noir", "Bleu", "Blanc"])),
    ("audio", "Sony", "Casque à réduction de bruit Sony WH-1000XM5", 379, "Réduction de bruit de référence",
     "Bluetooth", True, 24, "Smartphones, ordinateurs", ("Couleur", ["Noir", "Argent"])),
    ("audio", "Samsung", "Écouteurs Samsung Galaxy Buds FE", 99, "Réduction de bruit active, son AKG",
     "Bluetooth", True, 12, "Android, iOS", ("Couleur", ["Graphite", "Blanc"])),
    ("audio", "Apple", "Écouteurs Apple AirPods 3e génération", 199, "Audio spatial, boîtier MagSafe",
     "Bluetooth", True, 12, "iPhone, iPad, Mac", None),
    ("audio", "Oraimo", "Écouteurs Oraimo FreePods 4", 35, "Réduction de bruit, 35 heures avec le boîtier",
     "Bluetooth", True, 12, "Android, iOS", ("Couleur", ["Noir", "Blanc"])),
    ("stockage", "SanDisk", "Clé USB SanDisk Ultra Flair", 9, "USB 3.0, boîtier en métal",
     "USB-A", False, 60, "Windows, macOS, Linux", ("Capacité", ["32 Go", "64 Go", "128 Go"])),
    ("stockage", "SanDisk", "Carte microSDXC SanDisk Extreme", 19, "Pour smartphones, drones et caméras 4K",
     "Aucune", False, 60, "Smartphones, caméras", ("Capacité", ["64 Go", "128 Go", "256 Go"])),
    ("stockage", "Seagate", "Disque dur externe Seagate Expansion", 69, "Sauvegarde simple, USB 3.0",
     "USB-A", False, 24, "Windows, macOS", ("Capacité", ["1 To", "2 To", "4 To"])),
    ("stockage", "Western Digital", "Disque dur externe WD Elements Portable", 65, "Compact et robuste, USB 3.0",
     "USB-A", False, 24, "Windows, macOS", ("Capacité", ["1 To", "2 To"])),
    ("stockage", "Samsung", "SSD portable Samsung T7", 99, "Jusqu'à 1 050 Mo/s, résistant aux chocs",
     "USB-C", False, 36, "Windows, macOS, Android", ("Capacité", ["500 Go", "1 To", "2 To"])),
    ("stockage", "Kingston", "SSD interne Kingston A400 2,5 pouces", 29, "Redonne vie à un ancien ordinateur",
     "Aucune", False, 36, "Ordinateurs avec baie SATA", ("Capacité", ["240 Go", "480 Go", "960 Go"])),
    ("chargeurs-et-cables", "Anker", "Chargeur Anker Nano 65 W USB-C", 45,
     "Charge un portable, une tablette et un téléphone", "USB-C", False, 18, "Ordinateurs et téléphones USB-C", None),
    ("chargeurs-et-cables", "Samsung", "Chargeur rapide Samsung 25 W", 19, "Super Fast Charging, câble USB-C inclus",
     "USB-C", False, 12, "Galaxy et appareils USB-C", None),
    ("chargeurs-et-cables", "Apple", "Adaptateur secteur Apple USB-C 20 W", 25, "Charge rapide pour iPhone et iPad",
     "USB-C", False, 12, "iPhone, iPad", None),
    ("chargeurs-et-cables", "Oraimo", "Batterie externe Oraimo Traveler 4 20 000 mAh", 29,
     "Charge rapide 22,5 W, trois sorties", "USB-C", False, 12, "Smartphones, tablettes", None),
    ("chargeurs-et-cables", "Anker", "Batterie externe Anker PowerCore 10 000 mAh", 25, "Format compact, charge rapide",
     "USB-C", False, 18, "Smartphones, tablettes", ("Couleur", ["Noir", "Blanc"])),
    ("chargeurs-et-cables", "Belkin", "Câble Belkin USB-C vers USB-C", 19, "Tressé, charge jusqu'à 100 W",
     "USB-C", False, 24, "Appareils USB-C", ("Longueur", ["1 m", "2 m"])),
    ("sacoches-et-protections", "Targus", "Sac à dos Targus Intellect 15,6 pouces", 39,
     "Compartiment rembourré pour ordinateur", "Aucune", False, 12, "Portables jusqu'à 15,6 pouces", None),
    ("sacoches-et-protections", "HP", "Sacoche HP Renew Business 15,6 pouces", 45, "Fabriquée en plastique recyclé",
     "Aucune", False, 12, "Portables jusqu'à 15,6 pouces", None),
    ("sacoches-et-protections", "Samsung", "Coque en silicone Samsung Galaxy A15", 15,
     "Toucher doux, protège des chutes", "Aucune", False, 6, "Galaxy A15", ("Couleur", ["Noir", "Bleu", "Blanc"])),
    ("sacoches-et-protections", "Belkin", "Verre trempé Belkin pour iPhone 15", 29, "Pose sans bulles, lot de 2",
     "Aucune", False, 6, "iPhone 15", None),
]
# (brand, model, screen, price €, cpu, ram, storage, system): business laptops back from leasing.
REFURBISHED_LAPTOPS = [
    ("Lenovo", "ThinkPad T480", "14.0", 329, "Intel Core i5-8350U", 8, 256, "Windows 11 Pro"),
    ("Lenovo", "ThinkPad X280", "12.5", 299, "Intel Core i5-8250U", 8, 256, "Windows 11 Pro"),
    ("HP", "EliteBook 840 G5", "14.0", 349, "Intel Core i5-8350U", 8, 256, "Windows 11 Pro"),
    ("HP", "ProBook 640 G4", "14.0", 279, "Intel Core i5-8250U", 8, 256, "Windows 10 Pro"),
    ("Dell", "Latitude 7490", "14.0", 339, "Intel Core i7-8650U", 8, 256, "Windows 11 Pro"),
    ("Dell", "Latitude 5400", "14.0", 319, "Intel Core i5-8365U", 8, 256, "Windows 11 Pro"),
    ("Apple", "MacBook Pro 13 2019", "13.3", 599, "Intel Core i5 quadricœur", 8, 256, "macOS"),
    ("Apple", "MacBook Air 13 M1", "13.3", 649, "Apple M1", 8, 256, "macOS"),
]
# (brand, model, screen, network, battery, price €, storages)
REFURBISHED_PHONES = [
    ("Apple", "iPhone 11", "6.1", "4G", 3110, 299, [64, 128]),
    ("Apple", "iPhone 12", "6.1", "5G", 2815, 379, [64, 128]),
    ("Apple", "iPhone 13 Pro", "6.1", "5G", 3095, 599, [128, 256]),
    ("Samsung", "Galaxy S21", "6.2", "5G", 4000, 289, [128]),
    ("Samsung", "Galaxy S22", "6.1", "5G", 3700, 359, [128, 256]),
    ("Samsung", "Galaxy A52", "6.5", "4G", 4500, 169, [128]),
]
GRADES = [("Grade A — comme neuf", 0), ("Grade B — légères traces", -8)]  # (grade, price change in %)
# (title, author, publisher, pages, price €, level)
BOOKS = [
    ("Débuter en programmation avec Python", "Claire Martin", "Éditions du Pixel", 384, "29.90", "Débutant"),
    ("Créer son site web de A à Z", "Nicolas Petit", "Éditions du Pixel", 312, "24.90", "Débutant"),
    ("Django pas à pas", "Sophie Bernard", "Presses du Code", 456, "39.00", "Intermédiaire"),
    ("Sécurité informatique pour les PME", "Karim Haddad", "Presses du Code", 280, "34.00", "Intermédiaire"),
    ("Bureautique : maîtriser le tableur", "Élise Roux", "Éditions du Pixel", 240, "19.90", "Débutant"),
    ("Bases de données PostgreSQL", "Thomas Girard", "Presses du Code", 520, "45.00", "Avancé"),
]


def _laptop_plans() -> list[dict]:
    plans = []
    for brand, model, screen, system, price, touch, pitch in LAPTOPS:
        for cpu, ram, storage, factor in PC_CONFIGS:
            plans.append(_computer(brand, model, screen, system, round(price * factor), touch, pitch, cpu, ram,
                                   storage))
    for model, screen, price, chip in MACBOOKS:
        for ram, storage, factor in MAC_CONFIGS:
            plans.append(_computer("Apple", model, screen, "macOS", round(price * factor), False,
                                   "fin, silencieux et très endurant", chip, ram, storage))
    return plans


def _computer(brand, model, screen, system, price, touch, pitch, cpu, ram, storage) -> dict:
    short_cpu = cpu.replace("Intel ", "")
    disk = f"{storage // 1024} To" if storage >= 1024 else f"{storage} Go"
    colours = ["Gris sidéral", "Argent"] if brand == "Apple" else ["Gris", "Argent"]
    return {
        "family": "laptop", "category": "ordinateurs-portables", "brand": brand, "type": "ordinateur",
        "name": f"{brand} {model} — {short_cpu}, {ram} Go, SSD {disk}", "eur": price,
        "short": f"{short_cpu} · {ram} Go de RAM · SSD {disk} · écran {screen.replace('.', ',')} pouces",
        "description": (
            f"Le {brand} {model} est un ordinateur portable {pitch}. Son processeur {cpu}, ses {ram} Go de "
            f"mémoire vive et son SSD de {disk} démarrent en quelques secondes et enchaînent bureautique, "
            f"visioconférences et navigation sans ralentir. L'écran de {screen.replace('.', ',')} pouces "
            f"{'tactile ' if touch else ''}offre un affichage net et lumineux. Livré avec {system}."),
        "variants": [{"name": colour, "options": {"Couleur": colour}, "extra": 0} for colour in colours],
        "specs": {"processeur": cpu, "ram": ram, "stockage": storage, "ecran": screen, "tactile": touch,
                  "systeme": system},
    }


def _refurbished_plans() -> list[dict]:
    """Reconditioned laptops and phones: RetailProduct in "refurbished" condition, one variant per grade."""
    plans = []
    for brand, model, screen, price, cpu, ram, storage, system in REFURBISHED_LAPTOPS:
        for upgrade in (False, True):
            ram_, storage_, price_ = (ram * 2, storage * 2, round(price * 1.2)) if upgrade else (ram, storage, price)
            plan = _computer(brand, f"{model} reconditionné", screen, system, price_, False,
                             "reconditionné et testé sur 40 points de contrôle", cpu, ram_, storage_)
            plan.update(family="refurbished", extra={"condition": "refurbished"},
                        variants=[{"name": grade, "options": {"État": grade}, "extra": price_ * change // 100}
                                  for grade, change in GRADES])
            plan["badges"] = ["etudiant"]
            plans.append(plan)
    for brand, model, screen, network, battery, price, storages in REFURBISHED_PHONES:
        variants = [{"name": f"{storage} Go / {grade}", "options": {"Stockage": f"{storage} Go", "État": grade},
                     "extra": 50 * step + price * change // 100}
                    for step, storage in enumerate(storages) for grade, change in GRADES]
        plan = _mobile("smartphones", brand, f"{model} reconditionné", screen, network, battery, price, storages,
                       variants, f"Le {brand} {model} reconditionné a été contrôlé, nettoyé et équipé d'une batterie "
                                 f"d'au moins 85 % de sa capacité d'origine. Garantie 12 mois, comme un neuf.")
        plan.update(family="refurbished", extra={"condition": "refurbished"})
        plans.append(plan)
    return plans


def _desktop_plans() -> list[dict]:
    plans = []
    for brand, model, price, cpu, ram, storage, system in DESKTOPS:
        for upgrade in (False, True):
            ram_, storage_, price_ = (ram * 2, storage * 2, round(price * 1.25)) if upgrade else (ram, storage, price)
            disk = f"{storage_ // 1024} To" if storage_ >= 1024 else f"{storage_} Go"
            plans.append({
                "family": "desktop", "category": "ordinateurs-de-bureau", "brand": brand, "type": "ordinateur",
                "name": f"{brand} {model} — {ram_} Go, SSD {disk}", "eur": price_,
                "short": f"{cpu.replace('Intel ', '')} · {ram_} Go de RAM · SSD {disk}",
                "description": (
                    f"Le {brand} {model} équipe durablement un poste de travail : processeur {cpu}, {ram_} Go de "
                    f"mémoire et SSD de {disk}. Silencieux et facile à entretenir, il est livré avec {system}."),
                "variants": [{"name": "", "options": {}, "extra": 0}],
                "specs": {"processeur": cpu, "ram": ram_, "stockage": storage_, "ecran": None, "tactile": False,
                          "systeme": system},
            })
    return plans


def _mobile_plans() -> list[dict]:
    plans = []
    for brand, model, screen, network, battery, price, storages, colours in PHONES:
        variants = [{"name": f"{storage} Go / {colour}", "options": {"Stockage": f"{storage} Go", "Couleur": colour},
                     "extra": 60 * step} for step, storage in enumerate(storages[:2]) for colour in colours[:2]]
        plans.append(_mobile("smartphones", brand, model, screen, network, battery, price, storages, variants,
                             f"Le smartphone {brand} {model} réunit un écran de {screen.replace('.', ',')} pouces et "
                             f"une batterie de {battery} mAh qui tient toute la journée. Double SIM, "
                             f"{'compatible 5G' if network == '5G' else 'réseau 4G'}, il est proposé en plusieurs "
                             f"capacités et coloris."))
    for brand, model, screen, network, battery, price, storages in TABLETS:
        variants = [{"name": f"{storage} Go", "options": {"Stockage": f"{storage} Go"}, "extra": 80 * step}
                    for step, storage in enumerate(storages)]
        plans.append(_mobile("tablettes", brand, model, screen, network, battery, price, storages, variants,
                             f"La tablette {brand} {model} et son écran de {screen.replace('.', ',')} pouces sont "
                             f"parfaits pour lire, suivre des cours en ligne ou regarder des films. Sa batterie de "
                             f"{battery} mAh tient une longue journée."))
    return plans


def _mobile(category, brand, model, screen, network, battery, price, storages, variants, description) -> dict:
    return {
        "family": category, "category": category, "brand": brand, "type": "mobile",
        "name": f"{brand} {model}", "eur": price, "description": description,
        "short": f"Écran {screen.replace('.', ',')} pouces · {network} · batterie {battery} mAh",
        "variants": variants,
        "specs": {"ecran": screen, "stockage": storages[0], "batterie": battery, "reseau": network,
                  "double-sim": category == "smartphones"},
    }


def _accessory_plans() -> list[dict]:
    plans = []
    for category, brand, name, price, short, connection, wireless, warranty, compatible, options in ACCESSORIES:
        if options:
            label, values = options
            variants = [{"name": value, "options": {label: value},
                         "extra": (price * step // 2 if label in ("Capacité", "Pack") else 0)}
                        for step, value in enumerate(values)]
        else:
            variants = [{"name": "", "options": {}, "extra": 0}]
        plans.append({
            "family": category, "category": category, "brand": brand, "type": "accessoire", "name": name,
            "eur": price, "short": short,
            "description": f"{short}. Compatible : {compatible}. Garantie constructeur de {warranty} mois.",
            "variants": variants,
            "specs": {"connectique": connection, "sans-fil": wireless, "garantie": warranty,
                      "compatibilite": compatible},
        })
    return plans


def _book_plans() -> list[dict]:
    return [{
        "family": "book", "category": "livres-et-formations", "brand": None, "type": "livre", "name": title,
        "eur": Decimal(price), "tax": "reduit",
        "short": f"{author} · {publisher} · {pages} pages",
        "description": f"« {title} », par {author} ({publisher}) : un guide concret, exercices corrigés à l'appui, "
                       f"pour progresser à votre rythme. Niveau : {level.lower()}.",
        "variants": [{"name": "Broché", "options": {"Format": "Broché"}, "extra": 0},
                     {"name": "Numérique", "options": {"Format": "Numérique"}, "extra": Decimal("-10")}],
        "specs": {"auteur": author, "editeur": publisher, "pages": pages, "niveau": level},
    } for title, author, publisher, pages, price, level in BOOKS]


def retail_plans(store_slug: str) -> list[dict]:
    """Dakar sells every line; Paris every mobile and accessory, one configuration per laptop, and books."""
    if store_slug == "dakar":
        return _laptop_plans() + _desktop_plans() + _mobile_plans() + _refurbished_plans() + _accessory_plans()
    laptops = [plan for plan in _laptop_plans() if "Core i5" in plan["name"] or "16 Go, SSD 512" in plan["name"]]
    return laptops + _mobile_plans() + _refurbished_plans()[:8] + _accessory_plans() + _book_plans()
