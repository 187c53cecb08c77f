"""What a first start does: migrate, make the administrator and its webhook."""

from __future__ import annotations

import os
from pathlib import Path

from leadcrm.db.migrate import startup_lock, upgrade
from leadcrm.db.transactions import transaction
from leadcrm.runtime import Runtime
from leadcrm.users.service import ADMIN_USER_ID, ensure_administrator
from leadcrm.webhooks.service import KNOWN_SCOPES, create_webhook, verify, webhook_url

ADMIN_WEBHOOK_FILE = "admin-webhook.url"
ADMIN_SCOPES = ["crm", "user", "placement"]


def prepare(runtime: Runtime) -> str:
    """Migrate and make sure the administrator and its webhook exist; returns the webhook URL."""
    settings = runtime.settings
    path = settings.var_dir / ADMIN_WEBHOOK_FILE
    with startup_lock(runtime.engine):
        upgrade(runtime.engine)
        return _ensure_admin_webhook(runtime, path)


def _ensure_admin_webhook(runtime: Runtime, path: Path) -> str:
    settings = runtime.settings
    with transaction(runtime.engine, writes=True) as conn:
        ensure_administrator(conn, zone=runtime.zone)
        kept = _kept_url(path)
        if kept is not None:
            code = kept.rstrip("/").rsplit("/", 1)[-1]
            if verify(conn, user_id=ADMIN_USER_ID, code=code) is not None:
                return webhook_url(settings.public_url, user_id=ADMIN_USER_ID, code=code)
        scopes = [s for s in ADMIN_SCOPES if s in KNOWN_SCOPES]
        _, code = create_webhook(conn, user_id=ADMIN_USER_ID, scopes=scopes, title="admin")
    url = webhook_url(settings.public_url, user_id=ADMIN_USER_ID, code=code)
    _keep_url(path, url)
    return url


def _kept_url(path: Path) -> str | None:
    try:
        return path.read_text().strip() or None
    except FileNotFoundError:
        return None


def _keep_url(path: Path, url: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as handle:
        handle.write(url + "\n")
    path.chmod(0o600)
