"""`python -m newsspider.testweb [--now ISO]`: serve the test sites until Ctrl-C."""

from __future__ import annotations

import argparse
import contextlib
import threading
from datetime import UTC, datetime

from newsspider.testweb import TestWeb


def _aware(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(
        prog="python -m newsspider.testweb", description="Serve the bundled test news sites."
    )
    parser.add_argument("--now", type=_aware, help="ISO time the sites treat as now (UTC).")
    args = parser.parse_args(argv)
    with TestWeb.start(args.now) as web:
        print(f"# test web, now = {web.now.isoformat()}")
        for name, base in web.sites.items():
            print(f"# {name:16} {base}/")
        print()
        print(web.sources_toml(), flush=True)
        with contextlib.suppress(KeyboardInterrupt):
            threading.Event().wait()


if __name__ == "__main__":
    main()
