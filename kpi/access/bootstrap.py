"""First run: create the database with demo data and the credentials file when they are missing."""

from collections.abc import Callable
from pathlib import Path

from kpi.access.auth import FirstRun, auth_path_for, ensure_auth_config
from kpi.store.database import state_path_for

DEMO_SEED = 42
DEMO_LEADS = 25_000


def is_first_run(db_path: Path | str) -> bool:
    """True only before anything exists: no facts file, no state file and no credentials.

    Later, a missing facts file is an accident (moved, deleted, a failed restore): the app then
    explains what to do and never fills the configured path with demo data.
    """
    db_path = Path(db_path)
    return not any(
        path.exists() for path in (db_path, state_path_for(db_path), auth_path_for(db_path))
    )


def ensure_database(db_path: Path | str, progress: Callable[[float], None] | None = None) -> bool:
    """Create the facts file filled with demo data, and the demo's programme, if it does not
    exist; True if created."""
    from kpi.ingest.demo import create_demo_programme, generate

    db_path = Path(db_path)
    if db_path.exists():
        return False
    generate(db_path, seed=DEMO_SEED, leads=DEMO_LEADS, progress=progress)
    create_demo_programme(db_path, leads=DEMO_LEADS)
    return True


def ensure_credentials(db_path: Path | str) -> FirstRun:
    return ensure_auth_config(auth_path_for(db_path))


def first_run_message(first: FirstRun) -> str:
    return (
        "\n"
        "  Brújula: primer arranque / first run\n"
        f"  Usuario / user: admin   Contraseña / password: {first.admin_password}\n"
        f"  (guardada con hash en / stored hashed in {first.path}; no se volverá a mostrar)\n"
    )
