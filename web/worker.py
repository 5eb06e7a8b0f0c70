"""The solve worker: `python -m web.worker JOB_ID` runs one job (the embedded queue);
`perform(JOB_ID)` is what RQ workers (`residency worker`) call."""

from __future__ import annotations

import logging
import sys


def perform(job_id: int) -> None:
    from . import create_app
    from .schedules import solving

    app = create_app()
    with app.app_context():
        solving.run(job_id)


def main(argv: list[str]) -> int:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    if len(argv) != 1 or not argv[0].isdigit():
        print("usage: python -m web.worker JOB_ID", file=sys.stderr)
        return 2
    perform(int(argv[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
