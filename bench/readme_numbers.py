"""Regenerate the README's generated blocks from what commands print, so its numbers are never typed by hand.

    python bench/readme_numbers.py                 # the headline answer + a full `pytest -q` run (minutes)
    python bench/readme_numbers.py --pytest-log F  # take the test summary from a saved `pytest -q` output
    python bench/readme_numbers.py --collect-only  # the test count only (`pytest --collect-only`, seconds)
    python bench/readme_numbers.py --check         # exit 1 if the README's headline block is stale (no tests run)

Blocks (between `<!-- NAME:start -->` and `<!-- NAME:end -->` lines in README.md):
- headline: `gpu-advisor ask "Can I fine-tune 13B with LoRA on one 4090?"` as it prints it (the app's first
  example question, so the README and the app give the same figures for the same question);
- tests: the count and wall time of the last `pytest -q` summary line, the date, the cores and load average.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
HEADLINE_QUESTION = "Can I fine-tune 13B with LoRA on one 4090?"
SUMMARY = re.compile(r"^=*\s*(\d+ (?:passed|failed|error).*?) in ([\d.]+)s", re.M)


def replace_block(text: str, name: str, body: str) -> str:
    start, end = f"<!-- {name}:start", f"<!-- {name}:end -->"
    i, j = text.find(start), text.find(end)
    if i < 0 or j < i:
        raise SystemExit(f"README.md has no {name} block ({start} ... {end})")
    head_end = text.index("-->", i) + 3
    return text[:head_end] + "\n" + body.rstrip("\n") + "\n" + text[j:]


def headline() -> str:
    out = subprocess.run([sys.executable, "-m", "advisor.cli", "ask", HEADLINE_QUESTION, "--engine", "offline"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300, check=True).stdout
    # the verdict, the breakdown and the fixes; the cited guidance is left to the app
    kept = out.split("\nWhy:", 1)[0].split("\nAssumptions:", 1)[0].rstrip()
    return f'```\n$ gpu-advisor ask "{HEADLINE_QUESTION}"\n{kept}\n```'


def tests_block(summary: str, seconds: float, when: str, measured_here: bool = True) -> str:
    """The load average is only said for a run this script made: for a saved log it would be today's load, not
    the run's."""
    minutes = f"{seconds / 60:.1f} minutes"
    load = ""
    if measured_here and hasattr(os, "getloadavg"):
        load = f", load average {os.getloadavg()[0]:.1f} at the end"
    return f"Last full run (`pytest -q`, {when}, {os.cpu_count()} cores{load}): `{summary}` in {minutes}."


def run_pytest() -> str:
    start = time.time()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider"], cwd=ROOT,
                          capture_output=True, text=True)
    print(f"pytest exited {proc.returncode} after {time.time() - start:.0f} s", file=sys.stderr)
    return proc.stdout


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--pytest-log", help="a saved `pytest -q` output to take the summary line from")
    ap.add_argument("--check", action="store_true", help="only check that the headline block is current")
    ap.add_argument("--skip-tests", action="store_true", help="regenerate the headline only")
    ap.add_argument("--collect-only", action="store_true", help="the test count without a run")
    args = ap.parse_args(argv)
    text = README.read_text(encoding="utf-8")
    new = replace_block(text, "headline", headline())
    if args.check:
        stale = new != text
        print("README headline block is " + ("stale: run python bench/readme_numbers.py --skip-tests" if stale
                                             else "current"))
        return 1 if stale else 0
    if args.collect_only:
        out = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-p", "no:cacheprovider"],
                             cwd=ROOT, capture_output=True, text=True).stdout
        count = re.search(r"^(\d+) tests? collected", out, re.M)
        if not count:
            raise SystemExit("pytest --collect-only printed no count")
        new = replace_block(new, "tests", f"{int(count.group(1)):,} tests (`pytest --collect-only -q`, "
                            f"{dt.date.today().strftime('%d %b %Y')}); a full run's count and time: "
                            "`python bench/readme_numbers.py`.")
    elif not args.skip_tests:
        log = Path(args.pytest_log).read_text(encoding="utf-8") if args.pytest_log else run_pytest()
        found = SUMMARY.findall(log)
        if not found:
            raise SystemExit("no pytest summary line ('N passed ... in S s') found")
        summary, seconds = found[-1]
        when = dt.date.fromtimestamp(Path(args.pytest_log).stat().st_mtime if args.pytest_log else time.time())
        new = replace_block(new, "tests", tests_block(summary.strip(), float(seconds), when.strftime("%d %b %Y"),
                                                   measured_here=not args.pytest_log))
    README.write_text(new, encoding="utf-8")
    print(f"README.md updated ({'headline' if args.skip_tests else 'headline and tests'})")  # noqa: T201
    return 0


if __name__ == "__main__":
    sys.exit(main())
