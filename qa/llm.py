"""Choose the answerer's chat model from a spec: none, auto, llama-cpp:PATH, ollama:MODEL, openai:MODEL.

Backends are optional extras, imported only here, with a message that names the extra to install.
"""
from __future__ import annotations

import importlib.util
import json
import os
import socket
import urllib.request
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from index.errors import BackendError

OLLAMA_HOST = "127.0.0.1"
OLLAMA_PORT = 11434
DEFAULT_OPENAI_MODEL = "gpt-4o-mini"


@dataclass(frozen=True)
class ChatBackend:
    """A chat model and the name answers report (e.g. 'llama-cpp:SmolLM2-135M-Instruct.Q4_1.gguf')."""

    model: Any
    name: str


def _ollama_reachable(timeout: float = 0.2) -> bool:
    try:
        with socket.create_connection((OLLAMA_HOST, OLLAMA_PORT), timeout=timeout):
            return True
    except OSError:
        return False


def _ollama_first_model() -> str | None:
    try:
        with urllib.request.urlopen(f"http://{OLLAMA_HOST}:{OLLAMA_PORT}/api/tags", timeout=1) as r:
            models = json.load(r).get("models", [])
        return models[0]["name"] if models else None
    except (OSError, ValueError, KeyError):
        return None


def resolve_spec(spec: str | None) -> str:
    """Turn 'auto' (the default) into a concrete spec, or 'none' when no model is configured or reachable."""
    if spec in (None, "", "auto"):
        spec = os.environ.get("WHOSAID_LLM") or "auto"
    spec = spec.strip()
    if spec != "auto":
        return spec
    if os.environ.get("WHOSAID_GGUF"):
        return f"llama-cpp:{os.environ['WHOSAID_GGUF']}"
    if os.environ.get("OPENAI_API_KEY") or os.environ.get("OPENAI_BASE_URL"):
        return f"openai:{os.environ.get('WHOSAID_OPENAI_MODEL', DEFAULT_OPENAI_MODEL)}"
    if _ollama_reachable():
        model = _ollama_first_model()
        if model:
            return f"ollama:{model}"
    return "none"


def make_chat_model(spec: str | None) -> ChatBackend | None:
    """The chat model for a spec, or None for the extractive answerer."""
    spec = resolve_spec(spec)
    kind, _, arg = spec.partition(":")
    if kind in ("none", "extractive", ""):
        return None
    if not arg:
        raise BackendError(f"'{spec}' needs a model after the colon, e.g. ollama:llama3.2 or llama-cpp:/path/model.gguf.")
    if kind == "llama-cpp":
        if not Path(arg).is_file():
            raise BackendError(f"no GGUF model file at {arg}.")
        from .llamacpp_chat import MISSING_EXTRA, ChatLlamaCppLocal

        if importlib.util.find_spec("llama_cpp") is None:   # fail at open, not at the first question
            raise BackendError(MISSING_EXTRA)
        return ChatBackend(ChatLlamaCppLocal(model_path=arg), f"llama-cpp:{Path(arg).name}")
    if kind == "ollama":
        try:
            from langchain_ollama import ChatOllama
        except ImportError:
            raise BackendError("ollama:… needs langchain-ollama: pip install 'whosaid[ollama]'.") from None
        if not _ollama_reachable(timeout=1.0):
            raise BackendError(f"no Ollama server on {OLLAMA_HOST}:{OLLAMA_PORT}; start it with `ollama serve`.")
        return ChatBackend(ChatOllama(model=arg, temperature=0.1), spec)
    if kind == "openai":
        try:
            from langchain_openai import ChatOpenAI
        except ImportError:
            raise BackendError("openai:… needs langchain-openai: pip install 'whosaid[openai]'.") from None
        base_url = os.environ.get("OPENAI_BASE_URL")
        key = os.environ.get("OPENAI_API_KEY") or ("not-needed" if base_url else None)
        if not key:
            raise BackendError("openai:… needs OPENAI_API_KEY (or OPENAI_BASE_URL for a compatible local server).")
        return ChatBackend(ChatOpenAI(model=arg, base_url=base_url, api_key=key, temperature=0.1, max_retries=1,
                                      timeout=120), spec)
    raise BackendError(f"unknown answerer '{spec}'; use none, auto, llama-cpp:PATH, ollama:MODEL or openai:MODEL.")
