"""Write `donghanh/duplicates/default_model.json`: the weights small registries start from.

    python -m bench.dedup.default_model

Trains the matcher without labels on the generated 100,000 records (`generate.py`, seed 14;
made if missing) exactly as `link` does, and writes m, u and the prior share of matches (six
decimals for m, eight for u). Run it again whenever a comparison or its levels change: the
matcher refuses a default model whose comparisons or levels differ from its own.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "donghanh.settings")
django.setup()

from donghanh.duplicates import matcher  # noqa: E402  (after django.setup())
from donghanh.duplicates.table_io import read_file  # noqa: E402

ROOT = Path(__file__).resolve().parents[2]
RECORDS = ROOT / "bench" / "results" / "dedup-100k.csv"


def main() -> None:
    if not RECORDS.exists():
        subprocess.run(  # noqa: S603  (our own generator)
            [sys.executable, "-m", "bench.dedup.generate", "--records", "100000",
             "--output", str(RECORDS)], check=True, cwd=ROOT,
        )  # fmt: skip
    _ids, table = read_file(RECORDS)
    left, right = matcher.candidate_pairs(table)
    levels = matcher.compare(table, left, right)
    # Learn from the records alone, not from the default model this replaces.
    matcher.default_model = lambda: matcher.Model(m=[], u=[], prior=0.0, comparisons=())  # type: ignore[assignment]
    model = matcher.train(table, levels)
    data = {
        "source": "bench/dedup: python -m bench.dedup.generate --records 100000 --seed 14, "
        "trained without labels (python -m bench.dedup.default_model)",
        "comparisons": list(model.comparisons),
        "levels": [list(c.levels) for c in matcher.COMPARISONS],
        "prior": model.prior,
        "em_iterations": model.em_iterations,
        "m": [[round(x, 6) for x in row] for row in model.m],
        "u": [[round(x, 8) for x in row] for row in model.u],
    }
    text = json.dumps(data, indent=1, ensure_ascii=False)
    # One row of numbers (or labels) a line, as the file has always been laid out.
    text = re.sub(
        r"\[\s+([^\[\]{}]*?)\s+\]", lambda m: "[" + re.sub(r",\s+", ", ", m.group(1)) + "]", text
    )
    matcher.DEFAULT_MODEL_FILE.write_text(text + "\n")
    print(f"wrote {matcher.DEFAULT_MODEL_FILE.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
