"""The word lists the entity rules read: the entity types kept, offices, ranks, the fields of
ministries, honorifics, title glue, pronouns by gender, the verbs of saying and of succession.
"""

from __future__ import annotations

TYPES = frozenset(
    {"PERSON", "ORG", "GPE", "LOC", "NORP", "EVENT", "FAC", "PRODUCT", "LAW", "WORK_OF_ART"}
)
PLACE_TYPES = frozenset({"GPE", "LOC", "NORP"})
SUBJECTS = frozenset({"nsubj", "nsubjpass"})

# ---------------------------------------------------------------- vocabulary


def _set(words: str) -> frozenset[str]:
    return frozenset(words.split())


OFFICES = _set("""president minister secretary spokesman spokeswoman spokesperson chancellor premier
    chairman chairwoman chair ceo cfo coo ambassador envoy senator sen. representative rep.
    congressman congresswoman governor gov. mayor king queen prince princess pope emperor
    director chief head leader speaker commander judge prosecutor attorney secretary-general
    president-elect vice-president lawmaker mp counterpart emir sultan sheikh monarch
    commissioner adviser advisor aide""")
RANKS = _set("""general gen. gen lieutenant lt. colonel col. admiral adm. major maj. captain capt.
    sergeant sgt. marshal brigadier commodore""")
FIELDS = {
    "defense": "Defence",
    "defence": "Defence",
    "foreign": "Foreign Affairs",
    "interior": "Interior",
    "internal": "Internal Affairs",
    "home": "Home Affairs",
    "finance": "Finance",
    "economy": "Economy",
    "economic": "Economy",
    "trade": "Trade",
    "justice": "Justice",
    "health": "Health",
    "education": "Education",
    "energy": "Energy",
    "agriculture": "Agriculture",
    "culture": "Culture",
    "transport": "Transport",
    "labor": "Labour",
    "labour": "Labour",
    "environment": "Environment",
    "emergency": "Emergency Situations",
    "emergencies": "Emergency Situations",
    "industry": "Industry",
    "information": "Information",
}
US_DEPARTMENTS = {
    "Defence": "Defense",
    "Foreign Affairs": "State",
    "Finance": "the Treasury",
    "Interior": "the Interior",
    "Health": "Health and Human Services",
    "Transport": "Transportation",
    "Labour": "Labor",
    "Trade": "Commerce",
}
TITLE_GLUE = frozenset({"vice", "prime", "deputy", "first", "state", "of", "affairs", "staff"})
HONORIFICS = _set("mr. mr mrs. mrs ms. ms dr. dr sir dame lord lady prof.")
MODIFIERS = _set(
    "the a an his her its their new former ex then acting interim top senior incoming outgoing "
    "current newly - – then-"
)
FORMS = {
    "gen.": "General",
    "gen": "General",
    "lt.": "Lieutenant",
    "col.": "Colonel",
    "adm.": "Admiral",
    "maj.": "Major",
    "capt.": "Captain",
    "sgt.": "Sergeant",
    "sen.": "Senator",
    "rep.": "Representative",
    "gov.": "Governor",
    "ceo": "CEO",
    "cfo": "CFO",
    "coo": "COO",
    "mp": "MP",
    "defence": "Defense",
    "of": "of",
}
HEADS_OF_STATE = _set("president premier chancellor king queen emperor leader emir sultan monarch")
MILITARY = frozenset(RANKS | {"defense", "commander", "military", "army", "navy", "chief"})
LEADERS = frozenset(HEADS_OF_STATE | {"prime", "chairman", "head", "chief"})
GENERIC_HEADS = frozenset({"leader", "official", "diplomat", "politician", "lawmaker"})
DESCRIPTION_HEADS = frozenset((OFFICES | RANKS | GENERIC_HEADS) - {"counterpart", "head", "chair"})
NON_REFERRING = _set(
    "next future best worst first last previous only ideal good great real another"
)
QUALIFYING = frozenset({"vice", "deputy", "former", "assistant", "acting"})
PRONOUNS = {
    "he": "m",
    "him": "m",
    "his": "m",
    "himself": "m",
    "she": "f",
    "her": "f",
    "hers": "f",
    "herself": "f",
}
ARTICLED = frozenset(
    _set("Netherlands Philippines Bahamas Gambia Maldives Comoros Seychelles")
    | {"Democratic Republic of the Congo", "Vatican City"}
)
SAYING = _set("say tell add note stress explain warn claim insist urge argue write state announce")
SUCCESSION = frozenset({"succeed", "replace"})
