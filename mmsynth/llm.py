"""A client for OpenAI-compatible chat endpoints (vLLM, llama.cpp server, Ollama, hosted APIs).

Standard library only. It bounds concurrency, retries transient failures (connection
errors, timeouts, HTTP 429/5xx, malformed JSON) with exponential backoff, and keeps every
successful response in a disk cache keyed by the request's hash, so an interrupted run
that is started again pays for no request twice::

    from mmsynth.llm import ChatClient
    llm = ChatClient("http://localhost:8000", "Qwen2.5-7B-Instruct", cache_dir="out/.llm_cache")
    text = llm.chat([{"role": "user", "content": "Say hi"}])
    texts = llm.chat_many([msgs1, msgs2])     # in order; LLMError objects where a request failed

A server that cannot be reached raises :class:`LLMUnavailable`, a one-line
:class:`~mmsynth.errors.UserError`. The API key comes from ``api_key`` or the
``MMSYNTH_LLM_API_KEY`` / ``OPENAI_API_KEY`` environment variables.
"""
from __future__ import annotations

import argparse
import hashlib
import http.client
import json
import os
import socket
import time
import urllib.error
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

from tqdm import tqdm

from mmsynth.errors import UserError
from mmsynth.io import atomic_write_json

Messages = list[dict[str, str]]
RETRY_STATUS = (408, 409, 425, 429, 500, 502, 503, 504)


class LLMError(Exception):
    """A request that failed for good (after retries, or a non-retryable HTTP error)."""


class LLMUnavailable(UserError):
    """The server cannot be reached at all (refused, unknown host, or every attempt timed out)."""


def chat_url(base_url: str) -> str:
    """``http://h:8000`` or ``http://h:8000/v1`` -> ``http://h:8000/v1/chat/completions``."""
    base = base_url.rstrip("/")
    if not base.startswith(("http://", "https://")):
        raise UserError(f"LLM base URL {base_url!r} must start with http:// or https://")
    if base.endswith("/chat/completions"):
        return base
    return base + ("/chat/completions" if base.endswith("/v1") else "/v1/chat/completions")


class _Transient(Exception):
    """A failure worth another try; ``unreachable`` marks network-level ones."""

    def __init__(self, message: str, unreachable: bool = False):
        super().__init__(message)
        self.unreachable = unreachable


class ChatClient:
    """Chat completions against one model on one OpenAI-compatible server."""

    def __init__(self, base_url: str, model: str, *, api_key: str | None = None, timeout: float = 120.0,
                 retries: int = 3, backoff: float = 1.0, concurrency: int = 4,
                 cache_dir: str | Path | None = None, temperature: float = 0.7, max_tokens: int = 1024,
                 sleep: Callable[[float], None] = time.sleep):
        self.url = chat_url(base_url)
        self.model = model
        self.api_key = api_key or os.environ.get("MMSYNTH_LLM_API_KEY") or os.environ.get("OPENAI_API_KEY")
        self.timeout = timeout
        self.retries = max(0, int(retries))
        self.backoff = backoff
        self.concurrency = max(1, int(concurrency))
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self.params = {"temperature": temperature, "max_tokens": max_tokens}
        self.sleep = sleep
        self.requests_sent = 0
        self.cache_hits = 0

    # --- cache ---------------------------------------------------------------------------------
    def request_body(self, messages: Messages, **params: Any) -> dict:
        return {"model": self.model, "messages": messages, **self.params, **params}

    def _cache_path(self, body: dict) -> Path | None:
        if self.cache_dir is None:
            return None
        key = hashlib.sha256(json.dumps(body, sort_keys=True, ensure_ascii=False).encode()).hexdigest()
        return self.cache_dir / key[:2] / f"{key}.json"

    def _cached(self, path: Path | None) -> str | None:
        if path is None:
            return None
        try:
            return json.loads(path.read_text(encoding="utf-8"))["content"]
        except (OSError, ValueError, KeyError, TypeError):
            return None

    # --- requests ------------------------------------------------------------------------------
    def chat(self, messages: Messages, **params: Any) -> str:
        """The assistant's reply to ``messages``; cached, retried; raises LLMError or LLMUnavailable."""
        body = self.request_body(messages, **params)
        path = self._cache_path(body)
        hit = self._cached(path)
        if hit is not None:
            self.cache_hits += 1
            return hit
        last: _Transient | None = None
        for attempt in range(self.retries + 1):
            if attempt:
                self.sleep(self.backoff * 2 ** (attempt - 1))
            try:
                content = self._post(body)
                break
            except _Transient as e:
                last = e
        else:
            assert last is not None
            if last.unreachable:
                raise LLMUnavailable(f"LLM server at {self.url} is unreachable after {self.retries + 1} "
                                     f"attempts ({last}); finished work is kept, rerun with --resume")
            raise LLMError(f"{self.url}: {last} (after {self.retries + 1} attempts)")
        if path is not None:
            atomic_write_json(path, {"request": body, "content": content})
        return content

    def _post(self, body: dict) -> str:
        headers = {"Content-Type": "application/json"}
        if self.api_key:
            headers["Authorization"] = f"Bearer {self.api_key}"
        req = urllib.request.Request(self.url, data=json.dumps(body).encode(), headers=headers, method="POST")
        self.requests_sent += 1
        try:
            with urllib.request.urlopen(req, timeout=self.timeout) as resp:
                raw = resp.read()
        except urllib.error.HTTPError as e:
            detail = e.read()[:200].decode("utf-8", "replace").strip()
            if e.code in RETRY_STATUS:
                raise _Transient(f"HTTP {e.code} {detail}") from None
            raise LLMError(f"{self.url}: HTTP {e.code} {detail}") from None
        except urllib.error.URLError as e:
            timed_out = isinstance(e.reason, (socket.timeout, TimeoutError))
            raise _Transient("timed out" if timed_out else str(e.reason), unreachable=True) from None
        except (socket.timeout, TimeoutError):
            raise _Transient(f"timed out after {self.timeout:g} s", unreachable=True) from None
        except (ConnectionError, OSError, http.client.HTTPException) as e:
            raise _Transient(f"connection failed ({e})", unreachable=True) from None
        return parse_completion(raw)

    def chat_many(self, requests: list[Messages], progress: bool = False, desc: str = "llm"
                  ) -> list[str | LLMError]:
        """Replies in request order, at most ``concurrency`` in flight; a request that fails for
        good gives its LLMError in place. LLMUnavailable (server down) propagates."""
        with ThreadPoolExecutor(max_workers=self.concurrency) as pool:
            futures = [pool.submit(self._chat_or_error, m) for m in requests]
            return [f.result() for f in tqdm(futures, desc=desc, unit="req", disable=not progress)]

    def _chat_or_error(self, messages: Messages) -> str | LLMError:
        try:
            return self.chat(messages)
        except LLMUnavailable:
            raise
        except LLMError as e:
            return e


def parse_completion(raw: bytes) -> str:
    """The first choice's message content of a chat-completions response; a body that is not
    that shape is a transient failure (a proxy's error page, a truncated reply)."""
    try:
        data = json.loads(raw)
        content = data["choices"][0]["message"]["content"]
    except (ValueError, KeyError, IndexError, TypeError):
        raise _Transient(f"malformed response {raw[:80]!r}") from None
    if not isinstance(content, str):
        raise _Transient(f"malformed response: content is {type(content).__name__}")
    return content


def add_llm_arguments(p: argparse.ArgumentParser, flag: str = "--llm",
                      what: str = "OpenAI-compatible server") -> None:
    """The flags that name an OpenAI-compatible server, for the commands that can use one
    (``flag`` names the server's flag; its value lands in ``args.llm`` whatever its name)."""
    p.add_argument(flag, dest="llm", metavar="BASE_URL", help=f"{what}, e.g. http://localhost:8000")
    p.add_argument("--model", help="model name on the --llm server")
    p.add_argument("--concurrency", type=int, default=4, help="LLM requests in flight (4)")
    p.add_argument("--timeout", type=float, default=120.0, help="seconds per LLM request (120)")
    p.add_argument("--retries", type=int, default=3, help="retries of a failed LLM request (3)")


def client_from_args(args: argparse.Namespace, cache_dir: str | Path, flag: str = "--llm",
                     **params: Any) -> ChatClient | None:
    """The client the ``add_llm_arguments`` flags ask for (None without the server flag),
    caching in ``cache_dir``; ``params`` set the request (temperature, max_tokens)."""
    if not (args.llm or args.model):
        return None
    if not (args.llm and args.model):
        raise UserError(f"{flag} and --model go together")
    return ChatClient(args.llm, args.model, timeout=args.timeout, retries=args.retries,
                      concurrency=args.concurrency, cache_dir=cache_dir, **params)
