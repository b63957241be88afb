"""Jupyter servers on 127.0.0.1 driven by Debian's Chromium through Playwright.

``serve()`` starts JupyterLab or Notebook 7 (random port and token, a temporary root) and stops
it, kernels included; whatever had to be killed by force fails the test. ``launch()`` starts a
persistent Chromium context (``/usr/bin/chromium``, a fresh profile) whose every request off
127.0.0.1 is aborted and recorded. The fixtures ``lab`` and ``chromium`` use them for
test_browser_lab.py (``notebook`` there runs its cells). No browser is ever downloaded. Without
Chromium the tests skip; without JupyterLab or Playwright too, except under ``CI=true``, where
they fail. Screenshots and logs go to ``artifacts/browser/`` (gitignored).
"""

from __future__ import annotations

import importlib.util
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import nbformat
import pytest

REPO = Path(__file__).resolve().parents[2]
ARTIFACTS = REPO / "artifacts" / "browser"
CHROMIUM = Path("/usr/bin/chromium")
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
NOTEBOOK = "matdiff_browser_test.ipynb"

# --expand-names: the result written out (2 Xᵀ (X θ - y)), the form the browser tests read back;
# the kept name (2 Xᵀ e, where e = X θ - y) is tested without a browser (test_defined_names.py)
LEAST_SQUARES = (
    "%%matdiff --wrt θ --expand-names\nX: matrix(m, n); y: vector(m)\ne = X θ - y\nf = e' e"
)
BAD_INPUT = "%%matdiff\nA: matrix(m, n); B: matrix(m, n)\nf = tr(A B)"

# Chromium runs as root here (so no sandbox) on a closed network: everything that would call
# Google's hosts on its own is switched off.
CHROMIUM_FLAGS = [
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--no-default-browser-check",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-domain-reliability",
    "--metrics-recording-only",
]

SERVER_START_TIMEOUT = 90  # seconds


def require(module: str, why: str) -> None:
    """Skip when a Python package is missing, or fail under CI (where .ci/run installs it)."""
    if importlib.util.find_spec(module) is not None:
        return
    reason = f"{module} is not installed ({why}); pip install '.[browser]'"
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI: {reason}")
    pytest.skip(reason)


def chromium_or_skip() -> Path:
    if CHROMIUM.exists() and os.access(CHROMIUM, os.X_OK):
        return CHROMIUM
    reason = (
        f"Debian's Chromium is not installed ({CHROMIUM} is missing; "
        "apt-get install -y chromium, which .ci/run tries)"
    )
    print(f"\nSKIP: {reason}")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


# -- the notebook the browser opens ---------------------------------------------------------------
def write_notebook(path: Path) -> None:
    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3 (ipykernel)",
        "language": "python",
    }
    nb.cells = [
        nbformat.v4.new_markdown_cell("# matdiff in a browser"),
        nbformat.v4.new_code_cell("%load_ext matdiff_magic"),
        nbformat.v4.new_code_cell(LEAST_SQUARES),
        nbformat.v4.new_code_cell(BAD_INPUT),
    ]
    nbformat.write(nb, path)


def write_lab_settings(settings_dir: Path, extra: dict[str, dict] | None = None) -> None:
    """User settings: no news or update checks (they would fetch from the internet and put a
    toast over the notebook), and ``extra`` ("@jupyterlab/notebook-extension:tracker" ->
    values)."""
    settings = {
        "@jupyterlab/apputils-extension:notification": {
            "fetchNews": "false",
            "checkForUpdates": False,
        }
    }
    settings.update(extra or {})
    for plugin, values in settings.items():
        package, _, name = plugin.partition(":")
        target = settings_dir / package
        target.mkdir(parents=True, exist_ok=True)
        (target / f"{name}.jupyterlab-settings").write_text(json.dumps(values), encoding="utf-8")


# -- the server -----------------------------------------------------------------------------------
@dataclass
class Lab:
    url: str  # http://127.0.0.1:PORT
    token: str
    root: Path
    process: subprocess.Popen
    log: Path
    notebook: str = NOTEBOOK

    def notebook_url(self) -> str:
        return f"{self.url}/lab/tree/{self.notebook}?token={self.token}"

    def api(self, path: str, method: str = "GET", timeout: float = 5) -> bytes:
        req = urllib.request.Request(
            f"{self.url}{path}",
            method=method,
            headers={"Authorization": f"token {self.token}"},
        )
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.read()


def log_tail(path: Path, lines: int = 40) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def wait_until_ready(lab: Lab) -> None:
    deadline = time.monotonic() + SERVER_START_TIMEOUT
    while time.monotonic() < deadline:
        if lab.process.poll() is not None:
            pytest.fail(
                f"JupyterLab exited with status {lab.process.returncode}:\n{log_tail(lab.log)}"
            )
        try:
            lab.api("/api/status", timeout=2)
            return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.3)
    pytest.fail(f"JupyterLab did not answer within {SERVER_START_TIMEOUT} s:\n{log_tail(lab.log)}")


def processes_mentioning(text: str) -> list[int]:
    """Pids of processes whose command line contains ``text`` (the kernels of our server name
    their connection file in our runtime directory)."""
    pids = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit() or int(entry.name) == os.getpid():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode(errors="replace")
        except OSError:
            continue
        if text in cmdline:
            pids.append(int(entry.name))
    return pids


def stop_server(lab: Lab, runtime_dir: Path) -> list[str]:
    """Shut the server and its kernels down; returns what had to be killed by force."""
    forced: list[str] = []
    proc = lab.process
    if proc.poll() is None:
        try:  # the polite way: the server stops its kernels, then itself
            lab.api("/api/shutdown", method="POST", timeout=5)
        except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
            pass
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            forced.append(f"server {proc.pid} (SIGTERM)")
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                forced.append(f"server {proc.pid} (SIGKILL)")
                proc.kill()
                proc.wait(timeout=10)
    for pid in processes_mentioning(str(runtime_dir)):
        forced.append(f"kernel {pid} (SIGKILL)")
        try:
            os.kill(pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    return forced


@pytest.fixture(scope="module")
def tools() -> Path:
    """Debian's Chromium, JupyterLab and Playwright, or a skip saying which is missing."""
    chromium = chromium_or_skip()
    require("jupyterlab", "the browser test drives JupyterLab")
    require("playwright", "the browser test drives Chromium through Playwright")
    return chromium


@pytest.fixture(scope="module")
def artifacts(tools) -> Path:
    """artifacts/browser/, emptied (only once the test is sure to run)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    for old in ARTIFACTS.glob("*"):
        if old.is_file():
            old.unlink()
    return ARTIFACTS


@contextmanager
def serve(
    base: Path,
    root: Path,
    artifacts: Path,
    app: str = "jupyterlab",
    notebook: str = NOTEBOOK,
    settings: dict[str, dict] | None = None,
):
    """A Jupyter server (``app``: "jupyterlab" or "notebook", Notebook 7) on 127.0.0.1 serving
    ``root``; ``settings``: extra user settings (plugin id -> values). Stopped, kernels
    included, on exit; what had to be killed by force fails the test."""
    runtime = base / "runtime"
    write_lab_settings(base / "lab-settings", settings or {})
    port, token = free_port(), secrets.token_hex(24)
    env = dict(os.environ)
    env.pop("MATDIFF_LANG", None)
    env.update(
        {
            # nothing from the user's Jupyter configuration, kernels or saved workspaces
            "JUPYTER_CONFIG_DIR": str(base / "config"),
            "JUPYTER_DATA_DIR": str(base / "data"),  # no user kernelspec: this Python's kernel
            "JUPYTER_RUNTIME_DIR": str(runtime),
            "JUPYTERLAB_SETTINGS_DIR": str(base / "lab-settings"),
            "JUPYTERLAB_WORKSPACES_DIR": str(base / "workspaces"),
            # the kernel imports this working tree's matdiff_magic
            "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")])),
        }
    )
    cmd = [
        sys.executable,
        "-m",
        app,
        "--no-browser",
        "--ServerApp.ip=127.0.0.1",
        f"--ServerApp.port={port}",
        "--ServerApp.port_retries=0",
        f"--IdentityProvider.token={token}",
        f"--ServerApp.root_dir={root}",
        # window.jupyterapp: the tests run commands (theme, run all) as a user's menu would
        f"--{'LabApp' if app == 'jupyterlab' else 'JupyterNotebookApp'}.expose_app_in_browser=True",
    ]
    if app == "jupyterlab":  # no calls to the internet from the server either
        cmd += [
            "--LabApp.news_url=None",
            "--LabApp.check_for_updates_class=jupyterlab.NeverCheckForUpdate",
            "--LabApp.extension_manager=readonly",
        ]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        cmd.append("--allow-root")
    log_path = base / "server.log"
    with open(log_path, "w", encoding="utf-8") as log:
        proc = subprocess.Popen(
            cmd, env=env, cwd=root, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
    server = Lab(f"http://127.0.0.1:{port}", token, root, proc, log_path, notebook)
    started = time.monotonic()
    forced: list[str] = []
    try:
        wait_until_ready(server)
        print(f"\n{app} up on 127.0.0.1:{port} in {time.monotonic() - started:.1f} s")
        yield server
    finally:
        forced = stop_server(server, runtime)
        shutil.copy(log_path, artifacts / f"{app}-server.log")
        print(f"{app} stopped (exit status {proc.returncode})")
    assert proc.returncode is not None, f"the {app} server is still running"
    assert not forced, f"had to kill by force: {forced}"


@pytest.fixture(scope="module")
def lab(tools, tmp_path_factory, artifacts) -> Lab:
    base = tmp_path_factory.mktemp("jupyterlab")
    root = base / "root"
    root.mkdir()
    write_notebook(root / NOTEBOOK)
    with serve(base, root, artifacts) as server:
        yield server


# -- the browser ----------------------------------------------------------------------------------
@dataclass
class NetworkGuard:
    """Aborts every request and WebSocket that would leave the machine, and remembers it."""

    allowed: int = 0
    blocked: list[str] = field(default_factory=list)

    @staticmethod
    def is_loopback(url: str) -> bool:
        parts = urlsplit(url)
        if parts.scheme in ("data", "blob", "about"):
            return True
        return parts.hostname in LOOPBACK

    def on_request(self, route) -> None:
        url = route.request.url
        if self.is_loopback(url):
            self.allowed += 1
            route.continue_()
        else:
            self.blocked.append(url)
            route.abort("blockedbyclient")

    def is_foreign_socket(self, url: str) -> bool:
        return not self.is_loopback(url)

    def on_foreign_socket(self, ws) -> None:
        self.blocked.append(ws.url)
        ws.close()


@dataclass
class Browser:
    context: object  # playwright BrowserContext
    guard: NetworkGuard
    console: list[str]


@contextmanager
def launch(chromium_path: Path, profile: Path, artifacts: Path, prefix: str = ""):
    """Debian's Chromium through Playwright, a fresh profile, every request off the machine
    aborted and recorded (written to ``artifacts`` on exit, with the console's errors)."""
    from playwright.sync_api import sync_playwright

    args = list(CHROMIUM_FLAGS)
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        args.insert(0, "--no-sandbox")
    guard = NetworkGuard()
    console: list[str] = []
    with sync_playwright() as p:
        started = time.monotonic()
        context = p.chromium.launch_persistent_context(
            str(profile),
            executable_path=str(chromium_path),
            headless=True,
            args=args,
            viewport={"width": 1600, "height": 1000},
            service_workers="block",
        )
        try:
            context.route("**/*", guard.on_request)
            context.route_web_socket(guard.is_foreign_socket, guard.on_foreign_socket)
            context.on(
                "console",
                lambda msg: (
                    console.append(f"{msg.type}: {msg.text}")
                    if msg.type in ("error", "warning")
                    else None
                ),
            )
            version = context.browser.version if context.browser else "?"
            print(f"Chromium {version} started in {time.monotonic() - started:.1f} s")
            yield Browser(context, guard, console)
        finally:
            context.close()
            (artifacts / f"{prefix}network.txt").write_text(
                f"requests to loopback: {guard.allowed}\n"
                f"blocked (not loopback): {len(guard.blocked)}\n"
                + "".join(f"  {url}\n" for url in guard.blocked),
                encoding="utf-8",
            )
            (artifacts / f"{prefix}console.txt").write_text(
                "\n".join(console) + "\n", encoding="utf-8"
            )
            if guard.blocked:
                print(f"blocked {len(guard.blocked)} non-loopback request(s): {guard.blocked}")


@pytest.fixture(scope="module")
def chromium(tools, lab, tmp_path_factory, artifacts) -> Browser:
    with launch(tools, tmp_path_factory.mktemp("chromium-profile"), artifacts) as browser:
        yield browser
