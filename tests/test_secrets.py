"""No secret and no database in the tracked tree; credentials are written private (0600)."""

import os
import re
import stat
import subprocess

import pytest
import yaml
from support import ROOT

from kpi.access import auth
from kpi.access.roles import SYSTEM

# Patterns are assembled from pieces so this file does not match itself.
SECRET_PATTERNS = {
    "private key": re.compile("-----BEGIN [A-Z ]*" + "PRIVATE KEY-----"),
    "bcrypt hash": re.compile(r"\$2[aby]\$\d\d\$" + r"[./A-Za-z0-9]{53}"),
    "AWS access key": re.compile("AKIA" + "[0-9A-Z]{16}"),
    "GitHub token": re.compile("gh[pousr]_" + "[A-Za-z0-9]{36}"),
    "Slack token": re.compile("xox[abpr]-" + "[A-Za-z0-9-]{10,}"),
}
CONFIG_SUFFIXES = (".yaml", ".yml", ".toml", ".ini", ".cfg", ".env", ".json", ".conf")
CONFIG_SECRET = re.compile(
    r"""(?ix)^\s*["']?(password|passwd|secret|cookie_key|api_key|token|key)["']?\s*[:=]\s*
    ["']?([^"'\s#]{12,})""",
    re.MULTILINE,
)
DUCKDB_MAGIC = b"DUCK"


def tracked_files() -> list[str]:
    out = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, check=True
    ).stdout.decode()
    return [name for name in out.split("\0") if name]


@pytest.fixture(scope="module")
def files():
    names = tracked_files()
    assert "app.py" in names and "kpi/store/database.py" in names
    return names


def test_no_secret_patterns_in_tracked_files(files):
    found = []
    for name in files:
        path = ROOT / name
        if not path.is_file():
            continue
        text = path.read_bytes()[:2_000_000].decode("utf-8", errors="ignore")
        found += [(name, kind) for kind, pattern in SECRET_PATTERNS.items() if pattern.search(text)]
        if name.endswith(CONFIG_SUFFIXES):
            found += [(name, f"config {m.group(1)}") for m in CONFIG_SECRET.finditer(text)]
    assert found == []


def test_no_database_credentials_or_secrets_file_is_tracked(files):
    bad = []
    for name in files:
        base = os.path.basename(name)
        if name.endswith((".duckdb", ".wal", ".db", ".sqlite", ".lock")) or base in (
            "auth.yaml",
            "secrets.toml",
            ".env",
        ):
            bad.append(name)
            continue
        path = ROOT / name
        if path.is_file():
            with open(path, "rb") as handle:
                head = handle.read(12)
            if head[8:12] == DUCKDB_MAGIC:
                bad.append(name)
    assert bad == []


def test_run_time_files_are_ignored_by_git():
    paths = [
        "data/auth.yaml",
        "data/brujula.duckdb",
        "data/brujula.state.duckdb",
        "data/brujula.state.duckdb.wal",
        "data/brujula.duckdb.lock",
        "data/backups/brujula-20250101/state.duckdb",
        "elsewhere/copy.duckdb",
        ".streamlit/secrets.toml",
    ]
    result = subprocess.run(
        ["git", "check-ignore", "--no-index", *paths], cwd=ROOT, capture_output=True, text=True
    )
    assert sorted(result.stdout.split()) == sorted(paths)


def mode(path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_credentials_file_is_created_private_even_with_a_permissive_umask(tmp_path):
    old = os.umask(0)
    try:
        first = auth.ensure_auth_config(tmp_path / "auth.yaml")
    finally:
        os.umask(old)
    assert mode(first.path) == 0o600
    config = yaml.safe_load(first.path.read_text())
    assert len(config["cookie"]["key"]) >= 32, "the cookie key lives only in this private file"
    admin = config["credentials"]["usernames"]["admin"]
    assert admin["password"].startswith("$2") and first.admin_password not in first.path.read_text()


def test_credentials_file_stays_private_after_a_user_change(tmp_path, store):
    path = tmp_path / "auth.yaml"
    auth.ensure_auth_config(path)
    old = os.umask(0)
    try:
        auth.save_user(store, SYSTEM, path, "nuevo", "Nuevo", "viewer", "password-123")
    finally:
        os.umask(old)
    assert mode(path) == 0o600
    assert not list(tmp_path.glob(".auth.yaml.*")), "no temporary copy left behind"


def test_cookie_key_from_the_environment_overrides_the_file(tmp_path, monkeypatch):
    path = tmp_path / "auth.yaml"
    auth.ensure_auth_config(path)
    monkeypatch.setenv("BRUJULA_COOKIE_KEY", "e" * 40)
    assert auth.load_auth_config(path)["cookie"]["key"] == "e" * 40
    monkeypatch.setenv("BRUJULA_COOKIE_KEY", "short")
    with pytest.raises(ValueError):
        auth.load_auth_config(path)


def test_lock_files_are_private(tmp_path):
    from kpi.store.database import facts_lock, lock_path_for

    db = tmp_path / "x.duckdb"
    with facts_lock(db):
        pass
    assert mode(lock_path_for(db)) & 0o077 == 0


def test_the_scanner_recognises_what_it_looks_for():
    fake_hash = "$2b$12$" + "a" * 53
    assert SECRET_PATTERNS["bcrypt hash"].search(f"password: '{fake_hash}'")
    assert SECRET_PATTERNS["private key"].search("-----BEGIN OPENSSH " + "PRIVATE KEY-----")
    assert CONFIG_SECRET.search("cookie:\n  key: " + "Zx9" * 12)
    assert not CONFIG_SECRET.search("key: short")
