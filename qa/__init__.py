"""whosaid: answers who said what in news articles, citing the sentences it relies on.

>>> from qa import Assistant                        # doctest: +SKIP
>>> bot = Assistant.open(store="/tmp/store")        # doctest: +SKIP
>>> bot.index(["article.txt"])                      # doctest: +SKIP
>>> answer = bot.ask("Who said it?")                # doctest: +SKIP
>>> answer.text, answer.citations[0].id             # doctest: +SKIP
"""
from index.errors import BackendError, EmbedderMismatch, InputError, StoreError, WhosaidError
from index.pipeline import IndexReport
from index.records import DocumentInfo, SpeakerInfo, StoredSentence

from .assistant import Assistant
from .types import Answer, Citation

__version__ = "0.1.0"
__all__ = ["Answer", "Assistant", "BackendError", "Citation", "DocumentInfo", "EmbedderMismatch", "IndexReport",
           "InputError", "SpeakerInfo", "StoreError", "StoredSentence", "WhosaidError", "__version__"]
