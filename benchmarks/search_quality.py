"""/whoknows answer quality on the labelled query set (tests/search_quality/cases.py).

Builds the console's sample community and a synthetic community of 10,000 members in a
fresh database, asks every labelled query through the core use case, and prints
precision at 3, recall at 5 and the share of unanswerable queries answered "nobody".

    python benchmarks/search_quality.py                  # SQLite in a temporary file
    python benchmarks/search_quality.py --failures       # and every query not answered right
    python benchmarks/search_quality.py --db postgresql+asyncpg://postgres@127.0.0.1:5432/empty
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.store.migrate import upgrade
from tests.search_quality.build import SIZE, build
from tests.search_quality.metrics import run


async def main_async(url: str, size: int, failures: bool) -> None:
    started = time.perf_counter()
    app, engine = await build(url, size)
    print(
        f"communities built in {time.perf_counter() - started:.1f} s ({size:,} synthetic members)"
    )
    report = await run(app)
    await engine.dispose()
    print(report.summary())
    if failures:
        print("\nnot answered right:")
        print(report.failures())


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--db", default=None, help="an empty database (default: SQLite file)")
    parser.add_argument("--size", type=int, default=SIZE)
    parser.add_argument("--failures", action="store_true")
    args = parser.parse_args()
    url = args.db or f"sqlite+aiosqlite:///{tempfile.mkdtemp(prefix='networker-quality-')}/q.db"
    upgrade(url)
    asyncio.run(main_async(url, args.size, args.failures))


if __name__ == "__main__":
    main()
