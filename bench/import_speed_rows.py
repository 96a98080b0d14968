"""Copy published speed rows (a research helper's JSONL: one measurement per line, with source link and quote)
into bench/published_speed.json, the project's own validation data: numbers, settings and source links only
(no long quotes). Run: python bench/import_speed_rows.py PATH.jsonl. Rows are mapped onto our inputs in
bench/serve_cases.py; a row it cannot map is listed there with the reason."""

from __future__ import annotations

import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent / "published_speed.json"
KEEP = ("id", "group", "source_id", "source", "date", "quantity", "value", "unit")


def trim(row: dict) -> dict:
    out = {k: row.get(k) for k in KEEP}
    out["model"] = row["model"].get("name")
    out["hf_id"] = row["model"].get("hf_id")
    out["gpu"] = row["hardware"].get("gpu")
    out["gpu_count"] = row["hardware"].get("count")
    out["setting"] = {k: v for k, v in row["setting"].items() if v is not None and k != "notes"}
    out["notes"] = (row["setting"].get("notes") or "")[:300]
    return out


def main(path: str) -> None:
    rows = [trim(json.loads(line)) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    OUT.write_text(json.dumps({"about": __doc__.split("\n")[0], "rows": rows}, indent=1, ensure_ascii=False) + "\n",
                   encoding="utf-8")
    print(f"wrote {len(rows)} rows to {OUT.name}")


if __name__ == "__main__":
    main(sys.argv[1])
