import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SAMPLE = ROOT / "data" / "chine_russie_defense.fr.txt"
WHOSAID = shutil.which("whosaid", path=str(Path(sys.executable).parent)) or "whosaid"


def run(*args, input=None, store=None):
    cmd = [WHOSAID, *args]
    env = {**os.environ, "HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1"}
    return subprocess.run(cmd, input=input, capture_output=True, text=True, timeout=300, env=env)


@pytest.fixture(scope="session")
def sample_store(tmp_path_factory):
    store = tmp_path_factory.mktemp("store")
    p = run("index", "--store", str(store), str(SAMPLE))
    assert p.returncode == 0, p.stderr
    return store


def free_port() -> int:
    """A TCP port free on 127.0.0.1."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def local_server(cmd: list[str], health_url: str, name: str, timeout: float = 120):
    """Start a real server on 127.0.0.1, wait until health_url answers, stop it afterwards."""
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.time() + timeout
    while True:
        try:
            with urllib.request.urlopen(health_url, timeout=2):
                break
        except OSError:
            if time.time() > deadline or proc.poll() is not None:
                proc.kill()
                pytest.fail(f"{name} did not start")
            time.sleep(0.3)
    try:
        yield
    finally:
        proc.terminate()
        proc.wait(timeout=30)
