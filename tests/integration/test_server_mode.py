"""The same index / ask / quotes through a real `chroma run` server on 127.0.0.1 (HttpClient);
embeddings stay client-side, the server holds the vectors and needs no model."""
import json
import shutil
import sys
from pathlib import Path

import pytest

from .conftest import SAMPLE, free_port, local_server, run

CHROMA = shutil.which("chroma", path=str(Path(sys.executable).parent)) or "chroma"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with local_server([CHROMA, "run", "--path", str(tmp_path_factory.mktemp("chroma-server")), "--host", "127.0.0.1",
                       "--port", str(port)], f"{url}/api/v2/heartbeat", "chroma run", timeout=60):
        yield url


def test_index_ask_quotes_through_the_server(server, tmp_path):
    store = tmp_path / "s"
    p = run("index", "--store", str(store), "--chroma-url", server, str(SAMPLE))
    assert p.returncode == 0, p.stderr
    assert not (store / "chroma").exists()          # vectors live on the server
    assert "unchanged" in run("index", "--store", str(store), "--chroma-url", server, str(SAMPLE)).stdout
    a = json.loads(run("ask", "--json", "--store", str(store), "--chroma-url", server,
                       "Who said that Russia was helping China develop a missile early-warning system?").stdout)
    assert "Zhang Hong" in a["answer"] and a["citations"][0]["id"] == "chine_russie_defense.fr#S10"
    q = json.loads(run("quotes", "--json", "--store", str(store), "--chroma-url", server, "--speaker", "Song").stdout)
    assert len(q) >= 4


def test_two_stores_share_one_server_without_colliding(server, tmp_path):
    one, two = tmp_path / "one", tmp_path / "two"
    other = tmp_path / "other.txt"
    other.write_text("The mayor said the bridge was safe. She added that repairs would start in May.", encoding="utf-8")
    assert run("index", "--store", str(one), "--chroma-url", server, str(SAMPLE)).returncode == 0
    assert run("index", "--store", str(two), "--chroma-url", server, str(other)).returncode == 0
    a = json.loads(run("ask", "--json", "--store", str(two), "--chroma-url", server, "Who said the bridge was safe?").stdout)
    assert all(c["doc"] == "other" for c in a["citations"]) and a["citations"]


def test_server_down_is_a_clear_error(tmp_path):
    p = run("index", "--store", str(tmp_path / "s"), "--chroma-url", f"http://127.0.0.1:{free_port()}", str(SAMPLE))
    assert p.returncode == 1 and "Chroma server" in p.stderr and "Traceback" not in p.stderr
