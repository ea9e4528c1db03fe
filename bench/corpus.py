"""Realistic news corpora of any size, generated from the project's own articles and test texts:
names, numbers and paragraph order vary, so every article is distinct and attribution still works."""
from __future__ import annotations

import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOURCES = [ROOT / "data" / "chine_russie_defense.fr.txt", *sorted((ROOT / "tests" / "data" / "attribution").glob("*.txt"))]
# Names that occur in the source texts and are swapped for generated ones.
KNOWN = ["Song Zhongping", "Zhang Hong", "Li Shangfu", "Sergueï Choïgou", "Volodymyr Zelensky", "Dmitri Peskov",
         "Dmitry Peskov", "Amélie Durand", "Marc Lefèvre", "Paul Martin", "Lloyd Austin", "Heather Nauert",
         "Sultan Faizy", "Maria Lopez", "John Carter", "Luis Enrique", "Ousmane Dembélé", "António Guterres",
         "Jennifer Morgan", "Stephen Powis"]
FIRST = ["Anna", "Pierre", "Chen", "Olga", "Karim", "Sofia", "Jean", "Mei", "Ivan", "Laura", "Omar", "Claire",
         "Wei", "Nadia", "Thomas", "Elena", "Hugo", "Yuki", "Lucas", "Amira", "Paolo", "Ines", "Malik", "Sara"]
LAST = ["Moreau", "Liang", "Petrov", "Haddad", "García", "Dubois", "Tanaka", "Novak", "Bernard", "Kowalski",
        "Rossi", "Lambert", "Okafor", "Schmidt", "Fontaine", "Ivanova", "Nguyen", "Mercier", "Costa", "Larsen"]


def _paragraphs(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def generate(n_sentences: int, seed: int = 7, approx_per_article: int = 12) -> list[tuple[str, str]]:
    """(name, text) articles totalling about n_sentences sentences."""
    rng = random.Random(seed)
    sources = [_paragraphs(p) for p in SOURCES]
    out: list[tuple[str, str]] = []
    total = 0
    i = 0
    while total < n_sentences:
        paras = list(rng.choice(sources))
        body = paras[1:]
        rng.shuffle(body)
        text = "\n".join([paras[0], *body])
        for known in KNOWN:
            if known in text:
                first, last = rng.choice(FIRST), rng.choice(LAST)
                text = text.replace(known, f"{first} {last}")
                for part in known.split():
                    text = re.sub(rf"\b{re.escape(part)}\b", last, text)
        text = re.sub(r"\d+", lambda m: str(rng.randint(2, 999)), text)
        out.append((f"art{i:06d}", text))
        total += len(re.findall(r"[.!?»\"](?:\s|$)", text)) or 1
        i += 1
    return out


def write(articles: list[tuple[str, str]], folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in articles:
        (folder / f"{name}.txt").write_text(text, encoding="utf-8")
    return folder
