"""The retention job purges expired seen-store entries and compacts closed days."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime, timedelta

from newsspider.archive.local import LocalStore
from newsspider.archive.snapshot import seal_snapshot
from newsspider.query.api import Archive
from newsspider.staging import Staging
from tests.factories import make_record
from tests.jobs.conftest import NEVER, Deployment, child_env


def test_retention_run_compacts_yesterdays_small_files(deployment: Deployment):
    deployment.write_config({"korea": NEVER})
    store = LocalStore(deployment.root / "archive")
    day = (datetime.now(UTC) - timedelta(days=2)).date().isoformat()
    with Staging(deployment.root / "extra-staging.db") as staging:
        for n in range(3):
            record = make_record(n, "yonhap-test", f"{day}T0{n}:00:00Z")
            staging.add(record["url"], record, "t")
            seal_snapshot(staging, store)
    partition = f"articles/date={day}/source=yonhap-test/"
    assert len(list(store.list(partition))) == 3

    result = subprocess.run(
        [sys.executable, "-m", "newsspider", "run-now", "retention", "-c", str(deployment.config)],
        cwd=deployment.root,
        env=child_env(),
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    (run,) = deployment.runs("retention")
    assert run.status == "ok"
    assert len(list(store.list(partition))) == 3  # kept for the grace period
    assert Archive(store).query().num_rows == 3
    live = [e for m in Archive(store).snapshots() for e in m["files"]]
    assert [e["month"] for e in live] == [day[:7]]
