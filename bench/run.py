"""`make bench`: indexing and query speed at several store sizes, and a side-by-side with a plain
LangChain RAG. Prints a table and writes bench/results.json.

    SIZES=1000,10000,100000 .venv/bin/python bench/run.py

Each size is indexed and queried in child processes so peak memory is per task; the embedder's
own limit is measured alone, batched, on the same sentences.
"""
from __future__ import annotations

import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
os.environ.setdefault("ANONYMIZED_TELEMETRY", "False")

DEV = ROOT.parent / "shared" / "eval" / "dev.jsonl"
OWN = ROOT / "tests" / "data" / "questions.jsonl"
WHOSAID = str(Path(sys.executable).parent / "whosaid")


def _questions() -> list[dict]:
    rows = []
    for f in (DEV, OWN):
        if f.exists():
            rows += [json.loads(l) for l in f.read_text(encoding="utf-8").splitlines() if l.strip()]
    return rows


def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


# -- child tasks ------------------------------------------------------------------------------
def child_embed_limit(n: int) -> dict:
    from bench.corpus import generate
    from index.embeddings import make_embedder
    from index.nlp import load_pipeline
    from index.reader import article_from_text
    from index.sentences import split_sentences

    nlp = load_pipeline("fr")
    texts: list[str] = []
    for name, text in generate(n):
        texts += [s.text for s in split_sentences(name, article_from_text(name, text).text, nlp)]
    texts = texts[:n]
    emb = make_embedder("e5-small")
    emb.embed_documents(texts[:64])
    t0 = time.perf_counter()
    emb.embed_documents(texts)
    return {"embed_limit_sps": len(texts) / (time.perf_counter() - t0), "sentences": len(texts)}


def child_index(store: str, folder: str) -> dict:
    from qa import Assistant
    from index.nlp import load_pipeline
    from index.reader import expand_paths

    from index.nlp import detect_language

    bot = Assistant.open(store=store, embedder="e5-small", llm="none")
    # Models load once per process, not per sentence: load them before the clock starts.
    bot.embedder.embed_query("warm up")
    load_pipeline("fr"), load_pipeline("en"), detect_language("warm up " * 40), bot.store.collection
    paths = expand_paths([folder])
    t0 = time.perf_counter()
    reports = bot.index(paths)
    seconds = time.perf_counter() - t0
    n = sum(r.sentences for r in reports)
    return {"sentences": n, "documents": len(reports), "index_s": seconds, "index_sps": n / seconds,
            "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def child_add_one(store: str, path: str) -> dict:
    from qa import Assistant

    bot = Assistant.open(store=store, llm="none")
    bot.embedder.embed_query("warm up")
    from index.nlp import load_pipeline

    load_pipeline("fr")
    t0 = time.perf_counter()
    r = bot.index([path])[0]
    return {"add_one_s": time.perf_counter() - t0, "add_one_sentences": r.sentences}


def child_query(store: str, rounds: int) -> dict:
    from qa import Assistant

    bot = Assistant.open(store=store, llm="none")
    qs = [q["question"] for q in _questions()]
    for q in qs:                      # warm: models, caches, speaker list
        bot.ask(q)
    retrieval, full = [], []
    for _ in range(rounds):
        for q in qs:
            t0 = time.perf_counter()
            bot.pipeline.prepare(q)
            retrieval.append((time.perf_counter() - t0) * 1000)
            t0 = time.perf_counter()
            bot.ask(q)
            full.append((time.perf_counter() - t0) * 1000)
    return {"retrieval_p50_ms": statistics.median(retrieval), "retrieval_p95_ms": _pct(retrieval, 0.95),
            "answer_p50_ms": statistics.median(full), "answer_p95_ms": _pct(full, 0.95),
            "ask_peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}


def child_plain_rag() -> dict:
    """A plain LangChain RAG: 1000/200 character chunks, Chroma, top-4 chunks, same embedder."""
    import chromadb
    from chromadb.config import Settings
    from langchain_chroma import Chroma
    from langchain_text_splitters import RecursiveCharacterTextSplitter

    from index.embeddings import make_embedder
    from index.reader import read_article
    from qa import Assistant

    golds = [g for g in _questions() if g["answerable"] and g["id"].startswith("d")]
    text = read_article(ROOT / "data" / "chine_russie_defense.fr.txt").text
    chunks = RecursiveCharacterTextSplitter(chunk_size=1000, chunk_overlap=200).split_text(text)
    emb = make_embedder("e5-small")
    with tempfile.TemporaryDirectory() as tmp:
        client = chromadb.PersistentClient(tmp, Settings(anonymized_telemetry=False))
        vs = Chroma.from_texts(chunks, emb, client=client, collection_name="plain")
        found, chars = 0, []
        for g in golds:
            docs = vs.similarity_search(g["question"], k=4)
            chars += [len(d.page_content) for d in docs]
            found += any(_has(d.page_content, e) for d in docs for e in g["evidence"])
        plain = {"evidence_found": found / len(golds), "chars_per_citation": statistics.mean(chars)}
        bot = Assistant.open(store=Path(tmp) / "whosaid", embedder=emb, llm="none")
        bot.index([ROOT / "data" / "chine_russie_defense.fr.txt"])
        found, chars = 0, []
        for g in golds:
            ans = bot.ask(g["question"])
            chars += [len(c.text) for c in ans.citations]
            found += any(_has(c.text, e) for c in ans.citations for e in g["evidence"])
        ours = {"evidence_found": found / len(golds), "chars_per_citation": statistics.mean(chars)}
    return {"plain_langchain_rag": plain, "whosaid": ours, "questions": len(golds)}


def _has(text: str, needle: str) -> bool:
    import unicodedata

    def norm(s: str) -> str:
        s = unicodedata.normalize("NFKD", s).replace("’", "'")
        return " ".join("".join(c for c in s if not unicodedata.combining(c)).casefold().split())

    return norm(needle) in norm(text)


def _child(task: str, *args: str) -> dict:
    p = subprocess.run([sys.executable, __file__, "--child", task, *args], capture_output=True, text=True)
    if p.returncode != 0:
        raise SystemExit(f"bench child {task} failed:\n{p.stderr[-3000:]}")
    return json.loads(p.stdout.strip().splitlines()[-1])


def _cold_ask(store: str) -> float:
    times = []
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run([WHOSAID, "ask", "--store", store, "--llm", "none", "Who said Russia was helping China?"],
                       capture_output=True, check=True)
        times.append(time.perf_counter() - t0)
    return statistics.median(times)


def main() -> None:
    from bench.corpus import generate, write

    sizes = [int(s) for s in os.environ.get("SIZES", "1000,10000,100000").split(",") if s.strip()]
    rounds = int(os.environ.get("ROUNDS", "3"))
    results = {"machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                          f"{os.sysconf('SC_PAGE_SIZE') * os.sysconf('SC_PHYS_PAGES') / 2**30:.0f} GiB, no GPU",
               "date": time.strftime("%Y-%m-%d"), "embedder": "e5-small", "sizes": {}}
    limit = _child("embed_limit", "2048")
    results["embed_limit_sps"] = limit["embed_limit_sps"]
    print(f"embedder limit (e5-small, batched): {limit['embed_limit_sps']:.0f} sentences/s", flush=True)
    keep = os.environ.get("BENCH_KEEP")         # a folder: keep corpora and stores there for inspection
    work = Path(keep) if keep else Path(tempfile.mkdtemp(prefix="whosaid-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        for size in sizes:
            folder = write(generate(size, seed=size), work / f"corpus{size}")
            store = str(work / f"store{size}")
            row = _child("index", store, str(folder))
            row["index_ratio_to_limit"] = row["index_sps"] / limit["embed_limit_sps"]
            extra = write(generate(12, seed=size + 1)[:1], work / f"extra{size}")
            (extra / "art000000.txt").rename(extra / "added_article.txt")
            row.update(_child("add_one", store, str(extra / "added_article.txt")))
            row.update(_child("query", store, str(rounds)))
            row["cold_ask_s"] = _cold_ask(store)
            results["sizes"][str(size)] = row
            _save(results)                # a long run keeps what it has measured so far
            print(f"size {size}: {json.dumps({k: round(v, 3) if isinstance(v, float) else v for k, v in row.items()})}",
                  flush=True)
    finally:
        if not keep:
            shutil.rmtree(work, ignore_errors=True)
    results["side_by_side"] = _child("plain_rag")
    _save(results)
    print_table(results)


def _save(results: dict) -> None:
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")


def print_table(r: dict) -> None:
    print(f"\nmachine: {r['machine']}; embedder limit {r['embed_limit_sps']:.0f} sentences/s")
    cols = ["sentences", "index_sps", "index_ratio_to_limit", "add_one_s", "retrieval_p50_ms", "retrieval_p95_ms",
            "answer_p50_ms", "answer_p95_ms", "cold_ask_s", "peak_rss_mb", "ask_peak_rss_mb"]
    print("| size | " + " | ".join(cols) + " |")
    print("|" + "---|" * (len(cols) + 1))
    for size, row in r["sizes"].items():
        print(f"| {size} | " + " | ".join(f"{row[c]:.2f}" if isinstance(row[c], float) else str(row[c]) for c in cols) + " |")
    s = r["side_by_side"]
    print(f"\nside by side on {s['questions']} dev questions (same embedder):")
    for k in ("whosaid", "plain_langchain_rag"):
        print(f"  {k}: evidence found {s[k]['evidence_found']:.2f}, {s[k]['chars_per_citation']:.0f} characters per citation")


if __name__ == "__main__":
    if len(sys.argv) > 2 and sys.argv[1] == "--child":
        task, args = sys.argv[2], sys.argv[3:]
        out = {"embed_limit": lambda: child_embed_limit(int(args[0])), "index": lambda: child_index(*args),
               "add_one": lambda: child_add_one(*args), "query": lambda: child_query(args[0], int(args[1])),
               "plain_rag": child_plain_rag}[task]()
        print(json.dumps(out))
    else:
        main()
