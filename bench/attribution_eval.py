"""Speaker precision and recall against gold attributions (tests/data/attribution/gold.json and
the sample article's gold in the integration tests).

    .venv/bin/python bench/attribution_eval.py [--show]

A prediction is right when its canonical speaker matches the gold one (accents and case folded;
a gold collective like 'officials' also matches 'two officials familiar with the matter').
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from index.pipeline import analyse  # noqa: E402
from index.reader import read_article  # noqa: E402
from index.speakers import fold  # noqa: E402

DATA = ROOT / "tests" / "data" / "attribution"


def same(predicted: str | None, gold: str | None) -> bool:
    if not predicted or not gold:
        return predicted == gold
    p, g = fold(predicted), fold(gold)
    return p == g or (" " not in g and g in p.split())


def score(gold: dict[str, dict[str, str]], show: bool = False) -> tuple[float, float, list[str]]:
    tp = n_pred = n_gold = 0
    misses: list[str] = []
    for name, expected in gold.items():
        _, sentences, _ = analyse(read_article(DATA / f"{name}.txt"))
        for s in sentences:
            g = expected.get(str(s.n))
            p = s.canonical_speaker
            n_gold += g is not None
            n_pred += p is not None
            if p is not None and g is not None and same(p, g):
                tp += 1
            elif p is not None or g is not None:
                misses.append(f"{name}#S{s.n}: predicted {p!r}, gold {g!r} — {s.text[:80]}")
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    return precision, recall, misses


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--show", action="store_true")
    a = ap.parse_args()
    gold = json.loads((DATA / "gold.json").read_text(encoding="utf-8"))
    p, r, misses = score(gold)
    print(f"own news texts ({len(gold)}): speaker precision={p:.2f} recall={r:.2f}")
    for m in misses if a.show else []:
        print("  miss:", m)


if __name__ == "__main__":
    main()
