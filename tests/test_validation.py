"""Estimates vs published measurements (bench/measured.json), judged per group.

Each group has one tolerance (bench/cases.py GROUPS, stated in docs/validation.md). A row outside it
is a miss: it is reported (as a warning in the test summary and in docs/validation.md), never excused
with a row-specific tolerance. What must hold is the group's median error, so one bad row cannot fail
the suite but a model that drifts does. The held-out median is reported, not asserted (see below). The estimates are deterministic:
these tests fail only when the model or the data change.
"""

import importlib
import statistics
import warnings

import pytest

from bench.cases import CASES, GROUPS, NOT_SCORED, rows


def _err(case) -> float:
    return case.estimate() / case.measured - 1


@pytest.fixture(scope="module")
def errors() -> dict[int, float]:
    return {id(c): _err(c) for c in CASES}


def test_every_case_is_in_a_declared_group():
    assert {c.group for c in CASES} <= set(GROUPS)


@pytest.mark.parametrize("group", list(GROUPS))
def test_group_median_error_within_its_tolerance(group, errors):
    cases = [c for c in CASES if c.group == group]
    if not cases:
        pytest.skip(f"no rows in {group} yet")
    tol = GROUPS[group].tolerance
    errs = [abs(errors[id(c)]) for c in cases]
    misses = [f"{c.row_id} {errors[id(c)]:+.1%}" for c in cases if abs(errors[id(c)]) > tol]
    if misses:
        warnings.warn(f"{group}: {len(misses)} of {len(cases)} rows miss ±{tol:.0%}: {'; '.join(misses)}",
                      stacklevel=1)
    # Held-out rows (no constant was set from them) are the honest test. Their median is reported, in
    # docs/validation.md and here, but not asserted: a held-out miss is a finding for the model of the
    # cost, not a reason to move a constant until a test passes.
    held = [abs(errors[id(c)]) for c in cases if not c.sets]
    if held and statistics.median(held) > tol:
        warnings.warn(f"{group}: held-out median {statistics.median(held):.1%} over {len(held)} rows is outside "
                      f"±{tol:.0%}", stacklevel=1)
    if GROUPS[group].miss:  # a known miss, stated in docs/validation.md: expected until the model covers it
        if statistics.median(errs) <= tol:
            pytest.fail(f"{group} now meets its tolerance: clear its Group.miss in bench/cases.py")
        pytest.xfail(f"{group}: known miss ({GROUPS[group].miss})")
    assert statistics.median(errs) <= tol, f"{group}: median {statistics.median(errs):.1%} > {tol:.0%}"


def test_every_row_except_specs_is_scored_or_explained():
    scored = {rid for rid, r in rows().items() if not r["category"].startswith("6")}
    assert scored == {c.row_id for c in CASES if c.row_id in rows()} | set(NOT_SCORED)


def test_rows_added_after_the_model_was_frozen_are_marked_in_the_data():
    for c in CASES:
        if "throughput.SERVE_CALIB" in c.sets or c.row_id not in rows():  # judged leave-one-source-out instead
            continue
        assert bool(c.added) == bool(c.row.get("added")), c.row_id
        assert not (c.added and c.sets), f"{c.row_id}: a held-out row cannot have set a constant"


def _perturbed(label: str):
    """Context: scale one constant (module.NAME or module.NAME['key']) by 1.25."""
    from contextlib import contextmanager

    @contextmanager
    def ctx():
        modname, _, rest = label.partition(".")
        mod = importlib.import_module(f"tools.{modname}")
        name, _, key = rest.partition("[")
        value = getattr(mod, name)
        if key:
            k = key.rstrip("]").strip("'\"")
            old = value[k]
            value[k] = old * 1.25
            try:
                yield
            finally:
                value[k] = old
        else:
            setattr(mod, name, value * 1.25)
            try:
                yield
            finally:
                setattr(mod, name, value)
    return ctx()


# Constants fitted by a script over many rows, with their own held-out check (leave one source out).
FITTED_BY_SCRIPT = {"training_speed.CALIB": "bench/train_fit.py", "throughput.SERVE_CALIB": "bench/serve_fit.py"}


def test_each_row_that_set_a_constant_depends_on_it():
    """`sets` is a claim about the model: the row's estimate must move when that constant moves."""
    for label in sorted({s for c in CASES for s in c.sets} - set(FITTED_BY_SCRIPT)):
        cases = [c for c in CASES if label in c.sets]
        before = [c.estimate() for c in cases]
        with _perturbed(label):
            after = [c.estimate() for c in cases]
        for c, b, a in zip(cases, before, after, strict=True):
            assert abs(a / b - 1) > 0.005, f"{c.row_id} does not depend on {label}"
