"""The OpenAI-compatible client against a real HTTP server on 127.0.0.1 started by the test:
success and cache, retries with backoff, a down server, a slow server, malformed JSON,
non-retryable errors, and the concurrency limit. Request counts are bounded and checked."""
from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from mmsynth.errors import UserError
from mmsynth.llm import ChatClient, LLMError, LLMUnavailable, chat_url


class FakeLLM:
    """A chat-completions server whose behaviour a test sets: ``mode`` and ``fail_first``."""

    def __init__(self, mode: str = "ok", fail_first: int = 0, delay: float = 0.0, reply=None):
        self.mode, self.fail_first, self.delay = mode, fail_first, delay
        self.reply = reply or (lambda body: "echo: " + body["messages"][-1]["content"])
        self.requests: list[dict] = []
        self.in_flight = self.max_in_flight = 0
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_POST(self):
                body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                with fake.lock:
                    fake.requests.append({"path": self.path, "body": body, "auth": self.headers.get("Authorization")})
                    n = len(fake.requests)
                    fake.in_flight += 1
                    fake.max_in_flight = max(fake.max_in_flight, fake.in_flight)
                left = []

                def leave():  # the request stops counting once its answer starts out
                    if not left:
                        left.append(True)
                        with fake.lock:
                            fake.in_flight -= 1
                try:
                    fake.respond(self, body, n, leave)
                finally:
                    leave()

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()

    def respond(self, h: BaseHTTPRequestHandler, body: dict, n: int, leave) -> None:
        if self.delay:
            time.sleep(self.delay)
        leave()
        mode = "fail" if n <= self.fail_first else self.mode
        if mode == "drop":  # close the connection without an answer
            h.close_connection = True
            h.connection.shutdown(socket.SHUT_RDWR)
            return
        if mode == "fail":
            data, status = b'{"error": "overloaded"}', 503
        elif mode == "notfound":
            data, status = b'{"error": "model not found"}', 404
        elif mode == "malformed":
            data, status = b'{"choices": [{"message": ', 200
        else:
            data = json.dumps({"choices": [{"message": {"role": "assistant", "content": self.reply(body)}}]}).encode()
            status = 200
        h.send_response(status)
        h.send_header("Content-Type", "application/json")
        h.send_header("Content-Length", str(len(data)))
        h.end_headers()
        h.wfile.write(data)

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def server():
    servers = []

    def start(**kw) -> FakeLLM:
        servers.append(FakeLLM(**kw))
        return servers[-1]
    yield start
    for s in servers:
        s.close()


def no_sleep(log: list):
    return lambda seconds: log.append(seconds)


MSG = [{"role": "user", "content": "hello"}]


def test_chat_url_forms():
    assert chat_url("http://h:8000") == "http://h:8000/v1/chat/completions"
    assert chat_url("http://h:8000/v1/") == "http://h:8000/v1/chat/completions"
    assert chat_url("https://api.x.org/v1/chat/completions") == "https://api.x.org/v1/chat/completions"
    with pytest.raises(UserError):
        chat_url("localhost:8000")


def test_success_and_disk_cache(server, tmp_path):
    srv = server()
    c = ChatClient(srv.url, "m1", cache_dir=tmp_path, api_key="k", temperature=0.2)
    assert c.chat(MSG) == "echo: hello"
    req = srv.requests[0]
    assert req["path"] == "/v1/chat/completions" and req["auth"] == "Bearer k"
    assert req["body"]["model"] == "m1" and req["body"]["messages"] == MSG and req["body"]["temperature"] == 0.2
    # a new client (a resumed run) answers from the cache without a request
    c2 = ChatClient(srv.url, "m1", cache_dir=tmp_path, temperature=0.2)
    assert c2.chat(MSG) == "echo: hello" and c2.cache_hits == 1 and len(srv.requests) == 1
    # another model or another message is another request
    ChatClient(srv.url, "m2", cache_dir=tmp_path, temperature=0.2).chat(MSG)
    assert len(srv.requests) == 2


def test_retries_with_exponential_backoff(server):
    srv = server(fail_first=2)
    waits: list[float] = []
    c = ChatClient(srv.url, "m", retries=3, backoff=0.5, sleep=no_sleep(waits))
    assert c.chat(MSG) == "echo: hello"
    assert len(srv.requests) == 3 and waits == [0.5, 1.0]


def test_down_server_is_one_line_user_error():
    with socket.socket() as s:  # a port that nothing listens on
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    waits: list[float] = []
    c = ChatClient(f"http://127.0.0.1:{port}", "m", retries=2, sleep=no_sleep(waits))
    with pytest.raises(LLMUnavailable) as e:
        c.chat(MSG)
    assert isinstance(e.value, UserError) and "\n" not in str(e.value)
    assert "unreachable" in str(e.value) and "--resume" in str(e.value)
    assert c.requests_sent == 3 and waits == [1.0, 2.0]


def test_slow_server_times_out(server):
    srv = server(delay=1.0)
    c = ChatClient(srv.url, "m", timeout=0.2, retries=1, sleep=no_sleep([]))
    with pytest.raises(LLMUnavailable, match="timed out"):
        c.chat(MSG)
    assert len(srv.requests) == 2


def test_dropped_connection_is_retried_then_unavailable(server):
    srv = server(mode="drop")
    with pytest.raises(LLMUnavailable):
        ChatClient(srv.url, "m", retries=1, sleep=no_sleep([])).chat(MSG)
    assert len(srv.requests) == 2


def test_malformed_json_is_retried_then_an_error(server, tmp_path):
    srv = server(mode="malformed")
    c = ChatClient(srv.url, "m", retries=2, sleep=no_sleep([]), cache_dir=tmp_path)
    with pytest.raises(LLMError, match="malformed") as e:
        c.chat(MSG)
    assert not isinstance(e.value, UserError)
    assert len(srv.requests) == 3
    assert not list(tmp_path.rglob("*.json"))  # failures are never cached


def test_not_found_is_not_retried(server):
    srv = server(mode="notfound")
    with pytest.raises(LLMError, match="HTTP 404"):
        ChatClient(srv.url, "m", retries=3, sleep=no_sleep([])).chat(MSG)
    assert len(srv.requests) == 1


def test_chat_many_keeps_order_and_the_concurrency_limit(server):
    srv = server(delay=0.05)
    c = ChatClient(srv.url, "m", concurrency=2)
    reqs = [[{"role": "user", "content": f"q{i}"}] for i in range(6)]
    assert c.chat_many(reqs) == [f"echo: q{i}" for i in range(6)]
    assert srv.max_in_flight <= 2 and len(srv.requests) == 6


def test_chat_many_returns_errors_in_place(server):
    srv = server(reply=lambda body: "fine")
    c = ChatClient(srv.url, "m", retries=0, sleep=no_sleep([]))
    srv.mode = "notfound"
    out = c.chat_many([MSG, MSG])
    assert all(isinstance(o, LLMError) for o in out)
