"""The installed ``whosaid`` command with the real embedder and a real persistent Chroma."""
import json

from .conftest import SAMPLE, run


def test_index_is_idempotent(sample_store):
    p = run("index", "--store", str(sample_store), str(SAMPLE))
    assert p.returncode == 0 and "unchanged" in p.stdout


def test_ask_json_names_speaker_and_cites_evidence(sample_store):
    p = run("ask", "--json", "--store", str(sample_store),
            "Who said that Russia was helping China develop a missile early-warning system?")
    assert p.returncode == 0, p.stderr
    a = json.loads(p.stdout)
    assert a["abstained"] is False and "Zhang Hong" in a["answer"]
    assert a["citations"][0]["id"] == "chine_russie_defense.fr#S10"
    assert a["citations"][0]["speaker"] == "Zhang Hong"
    assert set(c["id"] for c in a["citations"]) <= set(a["evidence"])


def test_batch_mode_one_json_line_per_question(sample_store):
    qs = "Qu'a déclaré Song Zhongping au sujet de Taïwan ?\nWhat did Xi Jinping say at the meeting?\n\n"
    p = run("ask", "--json", "--store", str(sample_store), "-", input=qs)
    lines = [json.loads(l) for l in p.stdout.splitlines()]
    assert p.returncode == 0 and len(lines) == 2
    assert "Taiwan" in lines[0]["answer"] and lines[0]["citations"][0]["speaker"] == "Song Zhongping"
    assert lines[1]["abstained"] is True and lines[1]["citations"] == []


def test_off_topic_question_abstains(sample_store):
    p = run("ask", "--json", "--store", str(sample_store), "What is the recipe for a chocolate cake?")
    assert json.loads(p.stdout)["abstained"] is True


def test_quotes_and_speakers(sample_store):
    p = run("quotes", "--json", "--store", str(sample_store), "--speaker", "Shoigu")
    rows = json.loads(p.stdout)
    assert p.returncode == 0 and rows and all("Sergueï Choïgou" in r["canonical_speaker"] for r in rows)
    assert set(rows[0]) >= {"id", "doc", "sentence", "text", "speaker", "canonical_speaker", "cue", "source", "kind"}
    p = run("speakers", "--json", "--store", str(sample_store))
    names = {s["name"]: s for s in json.loads(p.stdout)}
    assert names["Song Zhongping"]["statements"] >= 4 and "Song" in names["Song Zhongping"]["aliases"]


def test_errors_exit_1_without_traceback(sample_store, tmp_path):
    p = run("index", "--store", str(sample_store), str(tmp_path / "missing.txt"))
    assert p.returncode == 1 and "no such file" in p.stderr and "Traceback" not in p.stderr
    bad = tmp_path / "x.pdf"
    bad.write_bytes(b"%PDF")
    p = run("index", "--store", str(sample_store), str(bad))
    assert p.returncode == 1 and "unsupported" in p.stderr
    p = run("ask", "--store", str(tmp_path / "nostore"), "hello?")
    assert p.returncode == 1 and "no whosaid store" in p.stderr
    p = run("ask", "--store", str(sample_store), "--embedder", "minilm", "hello?")
    assert p.returncode == 1 and "e5-small" in p.stderr and "Traceback" not in p.stderr


def test_usage_errors_exit_2():
    assert run().returncode == 2
    assert run("ask", "--bogus").returncode == 2
