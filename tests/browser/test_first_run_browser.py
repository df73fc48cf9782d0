"""The README's promise: `kpi init` prints an admin password once; admin logs in with it."""

import re
import subprocess
import sys

import pytest
from browser_support import ROOT, login, serve, wait_for_app
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_first_run_prints_a_password_that_logs_admin_in_to_demo_data(page, tmp_path, shot):
    db, auth = tmp_path / "data" / "brujula.duckdb", tmp_path / "data" / "auth.yaml"
    env = {"BRUJULA_AUTH": str(auth), "PATH": "/usr/bin:/bin"}
    command = [sys.executable, "-m", "kpi", "init", "--db", str(db)]
    first = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    password = re.search(r"password: (\S+)", first.stdout).group(1)
    assert auth.stat().st_mode & 0o777 == 0o600
    assert password not in auth.read_text()

    second = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, check=True)
    assert password not in second.stdout

    with serve(db, auth, tmp_path) as url:
        login(page, url, "admin", password)
        wait_for_app(page)
        expect(page.get_by_text("Hola, Admin")).to_be_visible()
        expect(page.get_by_text(re.compile(r"25\.000 leads"))).to_be_visible()
        shot(page, "first-run-admin-home")
