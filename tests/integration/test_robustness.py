"""Real-world inputs and store integrity, through the installed command: encodings, web pages,
folders, stdin, refusals, kill -9 in the middle of indexing, concurrent processes, odd questions."""
import json
import os
import signal
import sqlite3
import subprocess
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from .conftest import SAMPLE, WHOSAID, run

FR = "Le ministre a déclaré mardi que la réforme serait appliquée. « Nous sommes prêts », a-t-il ajouté à Paris."
HTML = """<!doctype html><html><head><title>Flood defences hold</title>
<meta property="article:published_time" content="2024-03-05"></head><body>
<nav><a href="/">Home</a> | <a href="/world">World</a> | <a href="/sport">Sport</a></nav>
<article><h1>Flood defences hold</h1>
<p>The flood barriers held better than expected, mayor Maria Lopez said on Monday.</p>
<p>"We will need another year to repair the port," she added.</p></article>
<div class="comments"><p>Comment by bob: first!!! Subscribe now</p></div>
<footer>Share on Facebook · Tweet this · Cookie settings</footer></body></html>"""


def docs(store):
    p = run("docs", "--json", "--store", str(store))
    assert p.returncode == 0, p.stderr
    return {d["name"]: d for d in json.loads(p.stdout)}


@pytest.mark.parametrize("encoding, prefix", [("utf-8", b""), ("utf-8", b"\xef\xbb\xbf"), ("latin-1", b""),
                                              ("cp1252", b"")])
def test_encodings(tmp_path, encoding, prefix):
    f = tmp_path / "art.txt"
    text = FR + " C’est “faux” – a-t-il dit." if encoding == "cp1252" else FR
    f.write_bytes(prefix + text.encode(encoding))
    p = run("index", "--store", str(tmp_path / "s"), str(f))
    assert p.returncode == 0, p.stderr
    q = json.loads(run("quotes", "--json", "--store", str(tmp_path / "s")).stdout)
    assert q[0]["text"].startswith("Le ministre a déclaré mardi") and "prêts" in q[1]["text"]


def test_html_page_main_text_only_with_metadata(tmp_path):
    f = tmp_path / "page.html"
    f.write_text(HTML, encoding="utf-8")
    assert run("index", "--store", str(tmp_path / "s"), str(f)).returncode == 0
    d = docs(tmp_path / "s")["page"]
    assert d["title"] == "Flood defences hold" and d["date"] == "2024-03-05"
    rows = json.loads(run("quotes", "--json", "--store", str(tmp_path / "s")).stdout)
    texts = " ".join(r["text"] for r in rows)
    assert "Maria Lopez" in texts and not any(w in texts for w in ("Share on", "Comment by", "Sport"))


def test_folder_with_glob_and_stdin(tmp_path):
    (tmp_path / "in" / "sub").mkdir(parents=True)
    (tmp_path / "in" / "a.txt").write_text(FR, encoding="utf-8")
    (tmp_path / "in" / "sub" / "b.md").write_text("# Titre\n\nLe député a dénoncé « une erreur ».", encoding="utf-8")
    (tmp_path / "in" / "sub" / "skip.csv").write_text("a,b", encoding="utf-8")
    assert run("index", "--store", str(tmp_path / "s"), str(tmp_path / "in")).returncode == 0
    assert set(docs(tmp_path / "s")) == {"a", "b"}
    assert run("index", "--store", str(tmp_path / "s2"), str(tmp_path / "in"), "--glob", "*.md").returncode == 0
    assert set(docs(tmp_path / "s2")) == {"b"}
    p = run("index", "--store", str(tmp_path / "s"), "-", "--name", "wire", input=FR.replace("ministre", "maire"))
    assert p.returncode == 0 and "wire: added" in p.stdout
    assert set(docs(tmp_path / "s")) == {"a", "b", "wire"}


@pytest.mark.parametrize("name, content, message", [
    ("missing.txt", None, "no such file"),
    ("empty.txt", b"", "empty"),
    ("blank.txt", b"  \n\t\n  ", "empty"),
    ("junk.txt", bytes(range(256)) * 20, "binary"),
    ("digits.txt", b"12 34 56 ... !!", "no words"),
    ("page.html", b"<html><body><nav>Home</nav></body></html>", "no article text"),
    ("doc.pdf", b"%PDF-1.4", "unsupported"),
])
def test_refused_inputs_store_nothing(tmp_path, name, content, message):
    store = tmp_path / "s"
    assert run("index", "--store", str(store), str(SAMPLE)).returncode == 0
    f = tmp_path / name
    if content is not None:
        f.write_bytes(content)
    p = run("index", "--store", str(store), str(SAMPLE), str(f))
    assert p.returncode == 1 and message in p.stderr and "Traceback" not in p.stderr
    assert set(docs(store)) == {"chine_russie_defense.fr"}


def test_too_large_file_is_refused(tmp_path):
    f = tmp_path / "dump.txt"
    with open(f, "wb") as out:
        out.truncate(21 * 1024 * 1024)            # sparse: no 21 MB written to disk
    p = run("index", "--store", str(tmp_path / "s"), str(f))
    assert p.returncode == 1 and "too large" in p.stderr


def test_unreadable_file(tmp_path):
    f = tmp_path / "secret.txt"
    f.write_text(FR, encoding="utf-8")
    f.chmod(0)
    if os.access(f, os.R_OK):   # root reads everything: simulate with a directory named like a file
        f.chmod(0o644)
        f.unlink()
        f.mkdir()
    p = run("index", "--store", str(tmp_path / "s"), str(f))
    assert p.returncode == 1 and "Traceback" not in p.stderr


def test_changed_file_replaces_and_remove(tmp_path):
    f = tmp_path / "art.txt"
    f.write_text(FR, encoding="utf-8")
    store = tmp_path / "s"
    run("index", "--store", str(store), str(f))
    f.write_text("La maire a déclaré que le pont était sûr.", encoding="utf-8")
    p = run("index", "--store", str(store), str(f))
    assert "replaced 1 sentences" in p.stdout
    q = json.loads(run("quotes", "--json", "--store", str(store)).stdout)
    assert [r["text"] for r in q] == ["La maire a déclaré que le pont était sûr."]
    twin = tmp_path / "copy.txt"
    twin.write_text("La maire a déclaré que le pont était sûr.", encoding="utf-8")
    assert "same content as 'art'" in run("index", "--store", str(store), str(twin)).stdout
    assert run("remove", "--store", str(store), "art").returncode == 0
    assert docs(store) == {}
    assert run("remove", "--store", str(store), "art").returncode == 1


def _big_article(path, n=1200):
    speakers = ["Zhang Hong", "Song Zhongping", "Maria Lopez", "Lloyd Austin"]
    lines = [f"Le projet numéro {i} avancera en {2000 + i % 30}, a déclaré {speakers[i % 4]} lors de la réunion {i}."
             for i in range(n)]
    path.write_text("\n".join(lines), encoding="utf-8")


def _consistent(store):
    """The manifest and the vectors agree: every listed sentence has its current vector."""
    db = sqlite3.connect(store / "whosaid.db")
    rows = db.execute("SELECT name, sha256, sentences FROM documents").fetchall()
    for name, sha, n in rows:
        assert db.execute("SELECT count(*) FROM sentences WHERE doc = ?", (name,)).fetchone()[0] == n
    db.close()
    import chromadb
    from chromadb.config import Settings

    db = sqlite3.connect(store / "whosaid.db")
    name = db.execute("SELECT value FROM meta WHERE key = 'collection'").fetchone()[0]
    db.close()
    col = chromadb.PersistentClient(str(store / "chroma"), Settings(anonymized_telemetry=False)).get_collection(name)
    for name, sha, n in rows:
        got = col.get(where={"$and": [{"doc": name}, {"version": sha[:16]}]}, include=[])
        assert len(got["ids"]) == n
    return {name: n for name, _, n in rows}


@pytest.mark.parametrize("delay", [3.0, 9.0, 14.0])
def test_kill_9_mid_index_leaves_store_whole_or_without_the_document(tmp_path, delay):
    store = tmp_path / "s"
    assert run("index", "--store", str(store), str(SAMPLE)).returncode == 0
    big = tmp_path / "big.txt"
    _big_article(big)
    proc = subprocess.Popen([WHOSAID, "index", "--store", str(store), str(big)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(delay)
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    listed = _consistent(store)
    assert listed.get("big") in (None, 1200)
    ask = run("ask", "--json", "--store", str(store), "Who said Russia was helping China?")
    assert ask.returncode == 0 and json.loads(ask.stdout)["citations"]
    assert run("index", "--store", str(store), str(big)).returncode == 0
    assert _consistent(store)["big"] == 1200


def test_two_indexers_serialise_and_ask_keeps_working(tmp_path):
    store = tmp_path / "s"
    assert run("index", "--store", str(store), str(SAMPLE)).returncode == 0
    a, b = tmp_path / "a.txt", tmp_path / "b.txt"
    _big_article(a, 400)
    _big_article(b, 300)
    b.write_text(b.read_text(encoding="utf-8").replace("projet", "programme"), encoding="utf-8")
    procs = [subprocess.Popen([WHOSAID, "index", "--store", str(store), str(f)], stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, text=True) for f in (a, b)]
    asks = [run("ask", "--json", "--store", str(store), "Who said Russia was helping China?") for _ in range(2)]
    outs = [p.communicate(timeout=600) for p in procs]
    assert all(p.returncode == 0 for p in procs), outs
    assert all(x.returncode == 0 and json.loads(x.stdout)["citations"] for x in asks)
    assert _consistent(store) == {"chine_russie_defense.fr": 22, "a": 400, "b": 300}


def test_eight_parallel_asks(sample_store):
    questions = ["Who said Russia was helping China?", "Qu'a déclaré Song au sujet de Taïwan ?"] * 4
    with ThreadPoolExecutor(8) as pool:
        results = list(pool.map(lambda q: run("ask", "--json", "--store", str(sample_store), q), questions))
    assert all(r.returncode == 0 and json.loads(r.stdout)["citations"] for r in results)


def test_damaged_and_foreign_stores(tmp_path):
    store = tmp_path / "s"
    assert run("index", "--store", str(store), str(SAMPLE)).returncode == 0
    db = sqlite3.connect(store / "whosaid.db")
    db.execute("UPDATE meta SET value = '99' WHERE key = 'format'")
    db.commit()
    db.close()
    p = run("ask", "--store", str(store), "Who?")
    assert p.returncode == 1 and "format 99" in p.stderr
    (store / "whosaid.db").write_bytes(b"garbage" * 1000)
    for f in store.glob("whosaid.db-*"):
        f.unlink()
    p = run("ask", "--store", str(store), "Who?")
    assert p.returncode == 1 and "damaged" in p.stderr and "Traceback" not in p.stderr
    other = tmp_path / "o"
    assert run("index", "--store", str(other), str(SAMPLE)).returncode == 0
    for f in (other / "chroma").glob("*.sqlite3"):
        f.write_bytes(b"not a database" * 1000)
    p = run("ask", "--store", str(other), "Who said Russia was helping China?")
    assert p.returncode == 1 and "Traceback" not in p.stderr and "move the store away" in p.stderr


@pytest.mark.parametrize("question, ok", [
    ("", False), ("   \t ", False), ("Who said Russia was helping China? " * 300, True),
    ("Who said\x1b[31m Russia\x07 was helping China?", True), ("谁说俄罗斯在帮助中国？", True),
    ("¿Quién dijo que Rusia ayudaba a China?", True),
])
def test_odd_questions(sample_store, question, ok):
    p = run("ask", "--json", "--store", str(sample_store), question)
    assert "Traceback" not in p.stderr
    if ok:
        assert p.returncode == 0 and "answer" in json.loads(p.stdout)
    else:
        assert p.returncode in (1, 2) and p.stderr.strip()


def test_batch_mode_survives_control_characters_and_nul(sample_store):
    p = run("ask", "--json", "--store", str(sample_store), "-",
            input="Who\x00 said Russia\x07 was helping China?\n\x1b[31m\n\x00\nQui est Zhang Hong ?\n")
    lines = [json.loads(line) for line in p.stdout.splitlines()]
    assert p.returncode == 0 and len(lines) == 4 and "Traceback" not in p.stderr
    assert "error" in lines[1] and "error" in lines[2] and "Zhang Hong" in lines[3]["answer"]


def test_chat_survives_odd_input(sample_store):
    p = subprocess.run([WHOSAID, "chat", "--store", str(sample_store), "--llm", "none"], text=True, capture_output=True,
                       input="\n   \n\x00\x07\n" + "x" * 10000 + "\n/bogus\nWho said Russia was helping China develop a "
                       "missile early-warning system?\n", timeout=120)
    assert p.returncode == 0 and "Zhang Hong" in p.stdout and "Traceback" not in p.stderr


_nlp = {}


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300) |
       st.text(alphabet=list("abc ABC.«»\"',—:\nil a déclaré selon Zhang"), max_size=300))
def test_attribution_never_crashes_on_arbitrary_text(raw):
    from index.pipeline import analyse
    from index.reader import article_from_text
    from index.errors import InputError

    try:
        art = article_from_text("h", raw)
    except InputError:
        return
    try:
        _, sentences, _ = analyse(art)
    except InputError:
        return
    assert "".join("".join(s.text.split()) for s in sentences) == "".join(art.text.split())
