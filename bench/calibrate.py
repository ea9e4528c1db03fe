"""Calibrate retrieval and abstention per embedder on gold question sets.

For each embedder: index the sample article into a fresh store, then for every question report
whether a gold evidence sentence is in the top 1 / top 3 of the hybrid search (for a few lexical
weights) and the best dense score. The abstention threshold sits between the lowest best score of
the answerable questions and the highest of the off-topic ones.

    .venv/bin/python bench/calibrate.py [--embedders e5-small,minilm]
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from qa import Assistant  # noqa: E402
from qa.retrieval import HybridSearch  # noqa: E402


def norm(s: str) -> str:
    s = unicodedata.normalize("NFKD", s)
    return "".join(c for c in s if not unicodedata.combining(c)).replace("’", "'").casefold()


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--embedders", default="e5-small,minilm")
    ap.add_argument("--gold", default=str(ROOT.parent / "shared/eval/dev.jsonl"))
    ap.add_argument("--offtopic", default=str(ROOT / "tests/data/offtopic.jsonl"))
    ap.add_argument("--article", default=str(ROOT / "data/chine_russie_defense.fr.txt"))
    a = ap.parse_args()
    golds = [json.loads(l) for l in open(a.gold, encoding="utf-8") if l.strip()]
    off = [json.loads(l) for l in open(a.offtopic, encoding="utf-8") if l.strip()]
    for spec in a.embedders.split(","):
        with tempfile.TemporaryDirectory() as tmp:
            bot = Assistant.open(store=tmp, embedder=spec)
            bot.index([a.article])
            for weight in (0.0, 0.02, 0.04, 0.08, 0.15):
                search = HybridSearch(bot.store, bot.embedder, lexical_weight=weight)
                top1 = top3 = 0
                answerable = [g for g in golds if g["answerable"]]
                for g in answerable:
                    hits = search.search(bot.analyse(g["question"]), 10)
                    good = [any(norm(e) in norm(h.sentence.text) for e in g["evidence"]) for h in hits]
                    top1 += any(good[:1])
                    top3 += any(good[:3])
                print(f"{spec:10} lexical_weight={weight:<5} top1={top1 / len(answerable):.2f} "
                      f"top3={top3 / len(answerable):.2f}")
            search = HybridSearch(bot.store, bot.embedder)
            best_ans = [search.search(bot.analyse(g["question"]), 1)[0].dense for g in golds if g["answerable"]]
            best_off = [search.search(bot.analyse(g["question"]), 1)[0].dense for g in off + [g for g in golds if not g["answerable"]]]
            print(f"{spec:10} best dense score: answerable min={min(best_ans):.3f} (mean {sum(best_ans) / len(best_ans):.3f}); "
                  f"unanswerable max={max(best_off):.3f} (mean {sum(best_off) / len(best_off):.3f}); "
                  f"suggested threshold={(min(best_ans) + max(best_off)) / 2:.3f}")


if __name__ == "__main__":
    main()
