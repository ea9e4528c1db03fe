"""Prompt templates shipped as package data, loaded with importlib.resources."""
from __future__ import annotations

from importlib import resources


def load(name: str) -> str:
    """The text of prompts/<name>.md."""
    return resources.files(__package__).joinpath(f"{name}.md").read_text(encoding="utf-8")
