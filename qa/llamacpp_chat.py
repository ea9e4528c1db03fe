"""A LangChain chat model over llama-cpp-python, in process.

Written here because LangChain's own ``ChatLlamaCpp`` lives in ``langchain-community``, which is
being sunset; this adapter is the few lines that map messages to ``create_chat_completion``.
"""
from __future__ import annotations

from typing import Any, Iterator

from langchain_core.callbacks import CallbackManagerForLLMRun
from langchain_core.language_models.chat_models import BaseChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, ChatResult
from pydantic import PrivateAttr

_ROLES = {"system": "system", "human": "user", "ai": "assistant"}
MISSING_EXTRA = "llama-cpp:… needs llama-cpp-python: pip install 'whosaid[llama-cpp]'."


class ChatLlamaCppLocal(BaseChatModel):
    """A GGUF model through llama.cpp (``pip install 'whosaid[llama-cpp]'``)."""

    model_path: str
    n_ctx: int = 4096
    max_tokens: int = 384
    temperature: float = 0.1
    n_threads: int | None = None
    seed: int = 0
    _llama: Any = PrivateAttr(default=None)

    def _client(self):
        if self._llama is None:
            try:
                from llama_cpp import Llama
            except ImportError:
                from index.errors import BackendError

                raise BackendError(MISSING_EXTRA) from None
            self._llama = Llama(model_path=self.model_path, n_ctx=self.n_ctx, n_threads=self.n_threads,
                                seed=self.seed, verbose=False)
        return self._llama

    @property
    def _llm_type(self) -> str:
        return "llama-cpp"

    def _messages(self, messages: list[BaseMessage]) -> list[dict]:
        return [{"role": _ROLES.get(m.type, "user"), "content": str(m.content)} for m in messages]

    def _generate(self, messages: list[BaseMessage], stop: list[str] | None = None,
                  run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> ChatResult:
        out = self._client().create_chat_completion(messages=self._messages(messages), stop=stop,
                                                    max_tokens=self.max_tokens, temperature=self.temperature)
        text = out["choices"][0]["message"].get("content") or ""
        return ChatResult(generations=[ChatGeneration(message=AIMessage(content=text))])

    def _stream(self, messages: list[BaseMessage], stop: list[str] | None = None,
                run_manager: CallbackManagerForLLMRun | None = None, **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        for part in self._client().create_chat_completion(messages=self._messages(messages), stop=stop, stream=True,
                                                          max_tokens=self.max_tokens, temperature=self.temperature):
            token = part["choices"][0].get("delta", {}).get("content") or ""
            if token:
                chunk = ChatGenerationChunk(message=AIMessageChunk(content=token))
                if run_manager:
                    run_manager.on_llm_new_token(token, chunk=chunk)
                yield chunk
