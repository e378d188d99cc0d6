"""Fixtures for the real-browser end-to-end tests.

`server` starts the real `tocsin serve` binary on a free port with a fresh data
directory; `browser` is a headless Debian chromium driven through chromedriver.
Nothing here downloads anything, and every wait has a timeout.
"""

import os
import queue
import signal
import socket
import subprocess
import threading
import time
import urllib.error
import urllib.request
import uuid
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlparse, urlunparse

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service as ChromeService

REPO_ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"

STARTUP_TIMEOUT = 30.0
SHUTDOWN_TIMEOUT = 10.0
BINARY_WAIT = 120.0  # the binary may be momentarily missing while it is rebuilt


@dataclass
class RunningServer:
    base_url: str
    setup_url: str
    process: subprocess.Popen
    data_dir: Path


# The tests' receivers listen on loopback, which user-chosen addresses (webhooks, push topics) may not reach by
# default; every server these tests start inherits this.
os.environ.setdefault("TOCSIN_DESTINATION_ALLOW", "loopback")


def _binary() -> Path:
    configured = os.environ.get("TOCSIN_BINARY")
    path = Path(configured) if configured else REPO_ROOT / ".build" / "debug" / "tocsin"
    if not path.is_absolute():
        path = REPO_ROOT / path
    deadline = time.monotonic() + BINARY_WAIT
    while not (path.is_file() and os.access(path, os.X_OK)):
        if time.monotonic() > deadline:
            pytest.fail(f"tocsin binary not found or not executable: {path}")
        time.sleep(1)
    return path


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _pump(stream, lines: "queue.Queue[str | None]", sink: list) -> None:
    """Reads the server's stdout on a thread so reading can time out."""
    try:
        for raw in iter(stream.readline, b""):
            line = raw.decode("utf-8", "replace")
            sink.append(line)
            lines.put(line)
    finally:
        lines.put(None)


def _stop(process: subprocess.Popen) -> int:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=SHUTDOWN_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=SHUTDOWN_TIMEOUT)
            pytest.fail(f"tocsin did not stop within {SHUTDOWN_TIMEOUT}s of SIGTERM; it was killed")
    return process.returncode


def _start(binary: Path, port: int, data_dir: Path, stderr_file):
    return subprocess.Popen(
        [str(binary), "serve", "--host", "127.0.0.1", "--port", str(port), "--data-dir", str(data_dir)],
        stdout=subprocess.PIPE,
        stderr=stderr_file,
        stdin=subprocess.DEVNULL,
        cwd=str(data_dir),
    )


def _launch(data_dir: Path, stderr_file, stdout_lines: list):
    """Starts the server and waits for its setup link. Returns (process, base_url, setup_url or None)."""
    binary = _binary()
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    process = _start(binary, port, data_dir, stderr_file)
    lines: "queue.Queue[str | None]" = queue.Queue()
    threading.Thread(target=_pump, args=(process.stdout, lines, stdout_lines), daemon=True).start()
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while True:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return process, base_url, None
        try:
            line = lines.get(timeout=remaining)
        except queue.Empty:
            return process, base_url, None
        if line is None:  # stdout closed: the process ended
            return process, base_url, None
        if "/setup?token=" in line:
            return process, base_url, line.strip()


def _psql():
    """psql against the maintenance database of TOCSIN_TEST_DATABASE_URL's server, and that URL parsed."""
    server_url = urlparse(os.environ["TOCSIN_TEST_DATABASE_URL"])
    return ["psql", "-h", server_url.hostname, "-p", str(server_url.port or 5432), "-U", server_url.username, "-d",
            server_url.path.lstrip("/") or "postgres", "-qc"], server_url


def _fresh_postgres_database(prefix: str) -> str:
    """A new, empty database on the server of TOCSIN_TEST_DATABASE_URL; returns its URL."""
    psql, server_url = _psql()
    name = prefix + uuid.uuid4().hex[:12]
    subprocess.run(psql + [f"CREATE DATABASE {name}"], check=True, timeout=30)
    return urlunparse(server_url._replace(path="/" + name))


def _drop_postgres_database(url: str) -> None:
    psql, _ = _psql()
    subprocess.run(psql + [f"DROP DATABASE IF EXISTS {urlparse(url).path.lstrip('/')} WITH (FORCE)"], timeout=30)


def _wait_ready(process: subprocess.Popen, base_url: str) -> bool:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with urllib.request.urlopen(base_url + "/readyz", timeout=2) as response:
                if response.status == 200:
                    return True
        except (urllib.error.URLError, OSError):
            pass
        time.sleep(0.1)
    return False


@pytest.fixture
def server(tmp_path):
    """A fresh `tocsin serve` with its own empty database, stopped with SIGTERM afterwards."""
    data_dir = tmp_path / "data"
    data_dir.mkdir()
    stderr_path = tmp_path / "tocsin.stderr.log"
    stdout_lines: list = []

    def diagnostics() -> str:
        return ("stdout:\n" + "".join(stdout_lines) + "\nstderr (tail):\n"
                + stderr_path.read_text("utf-8", "replace")[-4000:])

    with open(stderr_path, "wb") as stderr_file:
        process = base_url = setup_url = None
        # The binary may be mid-replacement, or the probed port taken before the server binds it: retry a few times.
        for attempt in range(3):
            try:
                process, base_url, setup_url = _launch(data_dir, stderr_file, stdout_lines)
            except OSError:
                time.sleep(2)
                continue
            if setup_url is not None or process.poll() is None:
                break
            process.wait(timeout=SHUTDOWN_TIMEOUT)
            time.sleep(1)
        if process is None:
            pytest.fail("could not start tocsin")
        if setup_url is None:
            if process.poll() is None:
                _stop(process)
            pytest.fail(f"tocsin printed no setup link within {STARTUP_TIMEOUT}s (exit code {process.returncode})\n{diagnostics()}")
        if not _wait_ready(process, base_url):
            if process.poll() is None:
                _stop(process)
            pytest.fail(f"GET /readyz never answered 200 within {STARTUP_TIMEOUT}s\n{diagnostics()}")

        try:
            yield RunningServer(base_url=base_url, setup_url=setup_url, process=process, data_dir=data_dir)
        finally:
            code = _stop(process)
            assert process.poll() is not None, "tocsin is still running after shutdown"
            assert code == 0, f"tocsin exited with {code} after SIGTERM (expected a graceful 0)\n{diagnostics()}"


@pytest.fixture
def browser():
    """Headless Debian chromium at 1280x900."""
    for path in (CHROMIUM, CHROMEDRIVER):
        if not os.access(path, os.X_OK):
            pytest.fail(f"{path} is missing; install chromium and chromium-driver")
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                     "--window-size=1280,900", "--no-first-run", "--no-default-browser-check",
                     "--disable-extensions", "--disable-background-networking", "--disable-sync",
                     "--disable-component-update", "--password-store=basic"):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=ChromeService(executable_path=CHROMEDRIVER), options=options)
    try:
        driver.set_page_load_timeout(30)
        driver.set_script_timeout(30)
        driver.set_window_size(1280, 900)
        yield driver
    finally:
        driver.quit()
