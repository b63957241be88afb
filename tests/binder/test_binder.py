"""Binder: ``binder/`` is a repo2docker configuration that gives a working ``%%matdiff``.

* ``test_repo2docker_accepts_the_configuration``: ``repo2docker --no-build --no-run`` reads
  ``binder/`` and writes the Dockerfile Binder would build (no container engine is needed, and
  none is contacted); the Dockerfile installs ``binder/requirements.txt`` from the repository root
  after the repository is copied in, on Python 3.11, over a base environment with JupyterLab 4 and
  the ipywidgets 8 front end.
* ``test_fresh_environment_runs_the_notebooks`` (slow: installs from the package index): a fresh
  virtual environment gets what repo2docker's base environment would give the kernel (ipykernel)
  and what ``binder/`` asks for, installed the way repo2docker's Dockerfile does it; then nbval
  runs every lecture notebook in it, as ``notebooks/README.md`` says (stored outputs compared).
* The badge in the README opens ``notebooks/00_start_here.ipynb`` in JupyterLab.

Deselect the slow one locally with ``pytest -m "not slow"``. Without repo2docker (the
``browser`` extra) the first test skips, except under ``CI=true``, where it fails.
"""

from __future__ import annotations

import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time
import venv
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest

REPO = Path(__file__).resolve().parents[2]
BINDER = REPO / "binder"
START_NOTEBOOK = "notebooks/00_start_here.ipynb"

# repo2docker's own files, and what would never reach Binder from a clone.
NOT_IN_A_CLONE = {
    ".git",
    ".ci-venv",
    "artifacts",
    "build",
    "dist",
    ".pytest_cache",
    ".ruff_cache",
    ".hypothesis",
    ".benchmarks",
    "__pycache__",
    ".ipynb_checkpoints",
}


def in_ci() -> bool:
    return os.environ.get("CI", "").lower() == "true"


def run(cmd: list[str], **kwargs) -> tuple[subprocess.CompletedProcess, float]:
    started = time.monotonic()
    proc = subprocess.run(cmd, capture_output=True, text=True, **kwargs)
    return proc, time.monotonic() - started


def failure(what: str, proc: subprocess.CompletedProcess) -> str:
    return (
        f"{what} exited with status {proc.returncode}\n--- stdout ---\n{proc.stdout[-6000:]}"
        f"\n--- stderr ---\n{proc.stderr[-6000:]}"
    )


# -- the files ------------------------------------------------------------------------------------
def test_binder_files_ask_for_matdiff_on_python_311():
    requirements = (BINDER / "requirements.txt").read_text(encoding="utf-8")
    lines = [ln.split("#", 1)[0].strip() for ln in requirements.splitlines()]
    assert "." in lines, "binder/requirements.txt must install the repository itself"
    assert (BINDER / "runtime.txt").read_text(encoding="utf-8").strip() == "python-3.11"
    # An environment.yml (or Pipfile, ...) next to them would make repo2docker ignore them.
    for other in ("environment.yml", "Pipfile", "Pipfile.lock", "setup.py", "Dockerfile"):
        assert not (BINDER / other).exists(), f"binder/{other} would change what Binder builds"


def test_readme_badge_opens_the_start_notebook_in_jupyterlab():
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    links = re.findall(r"https://mybinder\.org/v2/gh/[^\s)\"']+", readme)
    assert links, "the README has no Binder badge (a https://mybinder.org/v2/gh/... link)"
    for link in links:
        parts = urlsplit(link)
        assert re.fullmatch(r"/v2/gh/[^/]+/[^/]+/[^/]+", parts.path), link
        urlpath = parse_qs(parts.query).get("urlpath", [""])[0]
        assert urlpath == f"lab/tree/{START_NOTEBOOK}", link
    assert (REPO / START_NOTEBOOK).is_file(), f"{START_NOTEBOOK} is missing"
    assert "https://mybinder.org/badge_logo.svg" in readme, "the badge's image"


# -- repo2docker ----------------------------------------------------------------------------------
def decode_build_file_name(name: str) -> str:
    """repo2docker escapes the paths of the files it copies in (``-2f`` for ``/``)."""
    return re.sub(r"-([0-9a-f]{2})", lambda m: chr(int(m.group(1), 16)), name)


def test_repo2docker_accepts_the_configuration(tmp_path):
    if importlib.util.find_spec("repo2docker") is None:
        reason = "jupyter-repo2docker is not installed: pip install '.[browser]'"
        if in_ci():
            pytest.fail(f"CI: {reason}")
        pytest.skip(reason)
    env = dict(os.environ)
    # There is no container engine here, and --no-build must not need one: point at none.
    env["DOCKER_HOST"] = f"unix://{tmp_path}/no-docker-engine.sock"
    proc, seconds = run(
        [sys.executable, "-m", "repo2docker", "--no-build", "--no-run", str(REPO)],
        cwd=tmp_path,
        env=env,
        timeout=300,
    )
    print(f"\nrepo2docker --no-build took {seconds:.1f} s")
    assert proc.returncode == 0, failure("repo2docker --no-build", proc)
    log, dockerfile = proc.stderr, proc.stdout
    assert "Building conda environment for python=3.11" in log, log
    assert dockerfile.lstrip().startswith("FROM "), dockerfile[:500]
    lines = [ln.strip() for ln in dockerfile.splitlines()]

    def index(pattern: str) -> int:
        hits = [i for i, ln in enumerate(lines) if re.fullmatch(pattern, ln)]
        assert hits, f"no line matching {pattern!r} in the Dockerfile:\n{dockerfile}"
        return hits[0]

    workdir = index(r"WORKDIR \$\{REPO_DIR\}")
    copy_repo = index(r"COPY (--chown=\S+ )?src/ \$\{REPO_DIR\}/")
    install = index(
        r"RUN \$\{KERNEL_PYTHON_PREFIX\}/bin/pip install --no-cache-dir"
        r' -r "binder/requirements\.txt"'
    )
    # "." in binder/requirements.txt is the repository: it must be there, and pip must run in it.
    assert workdir < copy_repo < install, (workdir, copy_repo, install)

    # The base environment Binder starts from: JupyterLab 4 and the ipywidgets 8 front end.
    locks = re.findall(r"environment\.py-3\.11-linux-64\.lock", decode_build_file_name(dockerfile))
    assert locks, "the Dockerfile does not use repo2docker's Python 3.11 environment"
    package_dir = Path(importlib.util.find_spec("repo2docker").origin).parent
    lock = package_dir / "buildpacks" / "conda" / locks[0]
    packages = lock.read_text(encoding="utf-8")
    for package, major in (("jupyterlab", 4), ("ipywidgets", 8), ("jupyterlab_widgets", 3)):
        assert re.search(rf"/{package}-{major}\.[0-9.]+-", packages), f"{package} {major}.x"
    (REPO / "artifacts").mkdir(exist_ok=True)
    (REPO / "artifacts" / "binder.Dockerfile").write_text(dockerfile, encoding="utf-8")


# -- a fresh environment --------------------------------------------------------------------------
def copy_as_cloned(dest: Path) -> Path:
    """The files a clone of the repository would have (tracked, or new and not ignored)."""
    try:
        listed = subprocess.run(
            ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
            cwd=REPO,
            capture_output=True,
            check=True,
        ).stdout.decode()
        files = [f for f in listed.split("\0") if f]
    except (OSError, subprocess.CalledProcessError):
        files = [
            str(p.relative_to(REPO))
            for p in REPO.rglob("*")
            if p.is_file() and not NOT_IN_A_CLONE & set(p.relative_to(REPO).parts)
        ]
    for name in files:
        source = REPO / name
        if source.is_file() and not NOT_IN_A_CLONE & set(Path(name).parts):
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return dest


def clean_env(venv_dir: Path) -> dict[str, str]:
    """The environment a Binder user's kernel would have: this venv first, no source tree."""
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV", "MATDIFF_LANG", "PYTHONSTARTUP"}
    }
    env["VIRTUAL_ENV"] = str(venv_dir)
    env["PATH"] = os.pathsep.join([str(venv_dir / "bin"), env.get("PATH", "")])
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    env["MPLBACKEND"] = "Agg"
    return env


@pytest.mark.slow
def test_fresh_environment_runs_the_notebooks(tmp_path):
    total = time.monotonic()
    repo = copy_as_cloned(tmp_path / "repo")
    notebooks = sorted(p for p in (repo / "notebooks").rglob("*.ipynb"))
    assert (repo / START_NOTEBOOK) in notebooks, f"{START_NOTEBOOK} is missing"

    venv_dir = tmp_path / "venv"
    venv.create(venv_dir, with_pip=True, clear=True)
    python = str(venv_dir / "bin" / "python")
    env = clean_env(venv_dir)
    timings: dict[str, float] = {}

    # 1. What repo2docker's base environment gives the kernel (ipykernel; JupyterLab itself is
    #    not needed to run notebooks), and the test tool.
    proc, timings["pip install ipykernel nbval"] = run(
        [python, "-m", "pip", "install", "--quiet", "ipykernel", "nbval"],
        cwd=tmp_path,
        env=env,
        timeout=900,
    )
    assert proc.returncode == 0, failure("pip install ipykernel nbval", proc)

    # 2. What binder/ asks for, as repo2docker's Dockerfile runs it: from the repository root.
    proc, timings["pip install -r binder/requirements.txt"] = run(
        [python, "-m", "pip", "install", "--quiet", "-r", "binder/requirements.txt"],
        cwd=repo,
        env=env,
        timeout=900,
    )
    assert proc.returncode == 0, failure("pip install -r binder/requirements.txt", proc)
    if (repo / "binder" / "postBuild").exists():
        proc, timings["binder/postBuild"] = run(
            ["bash", "binder/postBuild"], cwd=repo, env=env, timeout=900
        )
        assert proc.returncode == 0, failure("binder/postBuild", proc)

    # matdiff comes from the environment (not the source tree), with the widgets' front end.
    probe = (
        "import matdiff_magic, ipywidgets, jupyterlab_widgets, sys;"
        "print(matdiff_magic.__file__); print(ipywidgets.__version__)"
    )
    proc, _ = run([python, "-c", probe], cwd=tmp_path, env=env, timeout=120)
    assert proc.returncode == 0, failure("import matdiff_magic", proc)
    where, widgets_version = proc.stdout.split()
    assert Path(where).is_relative_to(venv_dir), where
    assert widgets_version.startswith("8."), widgets_version

    # 3. nbval on the lecture notebooks, as notebooks/README.md runs it.
    cmd = [python, "-m", "pytest", "-q", "-p", "no:cacheprovider", "--nbval", "notebooks/"]
    cmd.append("--nbval-current-env")
    if (repo / "notebooks" / "sanitize.cfg").exists():
        cmd += ["--nbval-sanitize-with", "notebooks/sanitize.cfg"]
    proc, timings["nbval notebooks/"] = run(cmd, cwd=repo, env=env, timeout=1200)
    print("\n" + "\n".join(proc.stdout.strip().splitlines()[-3:]))
    assert proc.returncode == 0, failure("nbval on the notebooks", proc) + (
        "\n(If the same cells fail in the development environment too, the stored outputs are"
        " out of date: python scripts/regenerate_notebooks.py)"
    )

    timings["total"] = time.monotonic() - total
    print(
        f"fresh environment, {len(notebooks)} notebooks: "
        + ", ".join(f"{k} {v:.1f} s" for k, v in timings.items())
    )
