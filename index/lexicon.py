"""Reporting cues by language: speech verbs, 'according to' prepositions, document nouns, titles."""
from __future__ import annotations

SPEECH_VERBS = {
    "fr": {
        "déclarer", "dire", "affirmer", "ajouter", "souligner", "estimer", "préciser", "indiquer",
        "annoncer", "répondre", "nier", "démentir", "réitérer", "expliquer", "assurer", "rapporter",
        "confier", "raconter", "avertir", "prévenir", "rappeler", "insister", "juger", "commenter",
        "convenir", "reconnaître", "admettre", "déplorer", "dénoncer", "marteler", "conclure",
        "écrire", "citer", "lire", "confirmer", "promettre", "prédire", "accuser", "critiquer",
        "regretter", "signaler", "exhorter", "proclamer", "répéter", "témoigner", "plaider",
        "détailler", "résumer", "argumenter", "objecter", "protester", "s'inquiéter", "déclarer",
        "informer", "révéler", "prétendre", "soutenir", "considérer", "mettre en garde", "tweeter",
        "lancer", "poursuivre", "noter", "observer", "relever", "ironiser", "renchérir", "clamer",
        "appeler", "exiger", "réclamer", "demander", "interroger", "exhorter", "inviter",
    },
    "en": {
        "say", "tell", "state", "add", "announce", "deny", "repeat", "reiterate", "explain", "note",
        "claim", "insist", "warn", "argue", "confirm", "report", "write", "acknowledge", "admit",
        "agree", "assert", "declare", "emphasize", "emphasise", "stress", "suggest", "predict",
        "respond", "reply", "comment", "conclude", "contend", "urge", "promise", "recall", "tweet",
        "quote", "testify", "reveal", "allege", "caution", "complain", "estimate", "maintain",
        "observe", "point", "underline", "describe", "continue", "call", "demand", "ask", "concede",
    },
}

# Verbs that are speech cues only in the inverted reporting frame ("…, poursuit-il", "…, X continued"),
# or with a clausal complement: otherwise they usually mean something else.
AMBIGUOUS_VERBS = {
    "fr": {"lancer", "poursuivre", "noter", "observer", "relever", "soutenir", "considérer", "rapporter",
           "lire", "écrire", "juger", "insister", "souligner", "appeler", "demander", "exiger", "réclamer", "inviter", "estimer", "prévenir", "rappeler", "convenir", "indiquer", "citer"},
    "en": {"continue", "note", "observe", "point", "maintain", "add", "describe", "estimate", "report",
           "write", "recall", "agree", "quote", "call", "ask", "demand"},
}

ACCORDING_TO = {"fr": {"selon", "d'après", "d’après"}, "en": {"according"}}

# Nouns naming a statement rather than a speaker: "un communiqué du ministère" -> speaker = ministère.
DOCUMENT_NOUNS = {
    "communiqué", "déclaration", "rapport", "texte", "note", "lettre", "message", "document", "courrier",
    "compte", "site", "journal", "presse", "dépêche", "interview", "entretien", "tweet", "publication",
    "statement", "report", "release", "letter", "post", "interview", "memo", "readout", "transcript",
    "briefing", "conference",
}

PERSONAL_PRONOUNS = {
    "il": ("Masc", "Sing"), "elle": ("Fem", "Sing"), "ils": ("Masc", "Plur"), "elles": ("Fem", "Plur"),
    "he": ("Masc", "Sing"), "she": ("Fem", "Sing"), "they": (None, "Plur"),
    "celui-ci": ("Masc", "Sing"), "celle-ci": ("Fem", "Sing"),
}

TITLES = {
    "m.", "m", "mme", "mlle", "mm.", "dr", "dr.", "pr", "pr.", "me", "mgr", "mr", "mr.", "mrs", "mrs.",
    "ms", "ms.", "miss", "prof", "prof.", "sir", "lord", "dame", "monsieur", "madame", "mademoiselle",
    "président", "présidente", "president", "ministre", "minister", "general", "général", "sen.",
    "senator", "rep.", "gov.", "governor", "premier", "chancellor", "chancelière", "le", "la", "les",
    "l'", "l’", "the", "des", "un", "une", "a", "an", "de", "du",
}
FEMININE_TITLES = {"mme", "mlle", "mrs", "mrs.", "ms", "ms.", "miss", "madame", "mademoiselle", "dame",
                   "présidente", "chancelière"}
MASCULINE_TITLES = {"m.", "m", "mr", "mr.", "monsieur", "sir", "lord"}

QUOTE_CHARS = "«»“”\"„"

# Heads of definite descriptions that name a body, not a person met before: "le ministère a déclaré"
# is the ministry, while "le technicien espagnol a expliqué" is the coach named a sentence earlier.
INSTITUTIONS = {
    "ministère", "gouvernement", "préfecture", "mairie", "présidence", "armée", "police", "gendarmerie",
    "parquet", "tribunal", "cour", "commission", "agence", "entreprise", "société", "groupe", "club", "conseil",
    "parti", "syndicat", "assemblée", "sénat", "parlement", "état", "ville", "région", "département", "office",
    "institut", "organisation", "fédération", "association", "banque", "kremlin", "élysée", "maison", "pentagone",
    "ministry", "government", "department", "army", "police", "prosecutor", "court", "commission", "agency",
    "company", "group", "club", "council", "party", "union", "assembly", "senate", "parliament", "state", "city",
    "office", "institute", "organization", "organisation", "federation", "association", "bank", "kremlin",
    "pentagon", "white", "house", "administration", "embassy", "ambassade", "campaign", "team", "équipe",
}

# Words that are never part of a name or a topic, in questions and in speaker names.
STOPWORDS = set("""
a an the of to in on at for and or but is are was were be been what who whom which when where why how did do does
about with by from that this these those it its as he she they them his her their there than then so if not no
say said says tell told according
le la les l un une des de du d et ou mais est sont été que qui quoi quel quelle quels quelles où quand comment
pourquoi a ont au aux en dans sur par pour avec ce cette ces il elle ils elles leur leurs son sa ses se qu
dit déclaré selon après sujet propos
""".split())
