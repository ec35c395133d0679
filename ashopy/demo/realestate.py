"""The Dakar store's real-estate programmes: apartments, villas and plots, each lot a RealEstateLot."""

from decimal import Decimal

# (programme, district, category, delivery year, view, [(rooms, surface m², price F CFA, floors)])
PROGRAMMES = [
    ("Résidence Les Almadies", "Almadies", "appartements", 2025, "Vue mer", [
        (2, "62.5", 58_000_000, [1, 2, 3]), (3, "88.0", 85_000_000, [1, 2, 3, 4]), (4, "121.0", 128_000_000, [4, 5]),
    ]),
    ("Les Jardins de Mermoz", "Mermoz", "appartements", 2026, "Vue sur jardin", [
        (3, "84.0", 72_000_000, [0, 1, 2]), (4, "110.5", 98_000_000, [1, 2, 3]),
    ]),
    ("Les Terrasses de Ngor", "Ngor", "appartements", 2025, "Vue sur l'île de Ngor", [
        (2, "58.0", 52_000_000, [1, 2]), (3, "79.5", 76_000_000, [2, 3]),
    ]),
    ("Villas de Saly", "Saly", "villas", 2025, "Vue dégagée", [
        (4, "180.0", 145_000_000, [0, 0, 0]), (5, "240.0", 210_000_000, [0, 0]),
    ]),
    ("Cité Diamniadio Lake", "Diamniadio", "villas", 2026, "Vue sur le lac", [
        (3, "120.0", 48_000_000, [0, 0, 0]), (4, "150.0", 62_000_000, [0, 0]),
    ]),
    ("Lotissement Keur Ndiaye Lo", "Keur Ndiaye Lo", "terrains", 2024, "Terrain plat", [
        (0, "150.0", 9_500_000, [0, 0, 0]), (0, "200.0", 12_500_000, [0, 0, 0]), (0, "300.0", 18_000_000, [0, 0]),
    ]),
]
ROOM_NAMES = {2: "F2", 3: "F3", 4: "F4", 5: "F5"}
PROGRAMME_CODES = {"Almadies": "ALM", "Mermoz": "MRZ", "Ngor": "NGR", "Saly": "SLY", "Diamniadio": "DMN",
                   "Keur Ndiaye Lo": "KNL"}


def _area(surface: str) -> str:
    """ "62.5" → "62,5", "300.0" → "300": how a French listing writes a surface."""
    return surface.removesuffix(".0").replace(".", ",")


def _lot(programme, district, category, year, view, rooms, surface, price, floor, number) -> dict:
    code = f"{PROGRAMME_CODES[district]}-{number:02d}"
    if category == "terrains":
        name = f"Terrain de {_area(surface)} m² — {programme}, lot {code}"
        description = (f"Terrain viabilisé de {_area(surface)} m² au sein du {programme}, à proximité "
                       f"de l'autoroute à péage et du TER. Eau et électricité en bordure de parcelle, titre "
                       f"foncier individuel délivré à la signature.")
    else:
        kind = "Appartement" if category == "appartements" else "Villa"
        level = "rez-de-chaussée" if floor == 0 else f"{floor}e étage"
        where = f" au {level}" if category == "appartements" else ""
        name = f"{kind} {ROOM_NAMES[rooms]} de {_area(surface)} m² — {programme}, lot {code}"
        description = (f"{kind} {ROOM_NAMES[rooms]} de {_area(surface)} m²{where}, {view.lower()}. "
                       f"Séjour lumineux, cuisine équipée, {rooms - 1} chambre{'s' if rooms > 2 else ''} avec "
                       f"placards et salle d'eau. Livraison prévue en {year}, paiement échelonné possible.")
    return {
        "family": category, "category": category, "brand": None, "type": "bien-immobilier", "kind": "real_estate_lot",
        "name": name, "xof": Decimal(price), "short": f"{programme} · {district} · {_area(surface)} m²",
        "description": description, "tax": "exonere" if category == "terrains" else "standard",
        "variants": [{"name": "", "options": {}, "extra": 0, "sku": f"LOT-{code}"}],
        "extra": {"surface_m2": Decimal(surface), "rooms": rooms, "floor": floor, "programme": programme},
        "specs": {"quartier": district, "parking": category != "terrains", "piscine": rooms >= 5,
                  "titre-foncier": True, "livraison": year, "vue": view},
    }


def lot_plans() -> list[dict]:
    plans = []
    for programme, district, category, year, view, layouts in PROGRAMMES:
        number = 0
        for rooms, surface, price, floors in layouts:
            for floor in floors:
                number += 1
                plans.append(_lot(programme, district, category, year, view, rooms, surface,
                                  price + 1_500_000 * floor, floor, number))
    return plans
