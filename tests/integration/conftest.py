import os
import shutil
import subprocess
import sys
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
