"""Errors the user can act on; the CLI prints their message without a traceback."""
from __future__ import annotations


class WhosaidError(Exception):
    """Base class: a problem the user can fix, with a message that says how."""


class InputError(WhosaidError):
    """A file or text that cannot be indexed."""


class StoreError(WhosaidError):
    """The store is missing, damaged, or was built differently."""


class EmbedderMismatch(StoreError):
    """The store was built by another embedder than the one requested."""


class BackendError(WhosaidError):
    """An optional backend (embedder, model) is missing or unreachable."""
