"""The box table's row store without Qt: rows kept in sort order through additions,
changes and removals, and every change announced before and after it happens, in
positions that match the list (what a Qt model needs to keep selections right)."""

from __future__ import annotations

import random

from ccrgui.core.ccr import CcrRecord
from ccrgui.core.scanner import ScanDiff, ScannedFile
from ccrgui.gui.box.columns import COL_ATTEMPTS, COL_MACHINE, COL_OUTCOME, NO_ERROR, PROBLEM
from ccrgui.gui.box.rows import OutcomeKind, Row, RowOutcome, batches
from ccrgui.gui.box.store import RowStore

BOX = "/sites/ABC/inboxes/ccrretry.box"


def row(name: str, **fields: object) -> Row:
    fields.setdefault("machine_name", name)
    record = CcrRecord(file=f"{BOX}/{name}.ccr", **fields)  # type: ignore[arg-type]
    return Row(ScannedFile(record, 100, 1))


class Mirror:
    """A listener that replays every announced change on its own list of names, as a
    view would: if the store's announcements are right, the mirror equals the store."""

    def __init__(self, store: RowStore) -> None:
        self.store = store
        self.names: list[str] = []
        self.pending: tuple[str, int, int] | None = None
        self.events: list[str] = []

    def _name(self, i: int) -> str:
        return self.store.rows[i].record.machine_name or ""

    def rows_inserting(self, first: int, last: int) -> None:
        assert self.pending is None and 0 <= first <= len(self.names) and last >= first
        self.pending = ("insert", first, last)

    def rows_inserted(self) -> None:
        assert self.pending is not None and self.pending[0] == "insert"
        _, first, last = self.pending
        self.names[first:first] = [self._name(i) for i in range(first, last + 1)]
        self.pending = None
        self.events.append("insert")

    def rows_removing(self, first: int, last: int) -> None:
        assert self.pending is None and 0 <= first <= last < len(self.names)
        self.pending = ("remove", first, last)

    def rows_removed(self) -> None:
        assert self.pending is not None and self.pending[0] == "remove"
        _, first, last = self.pending
        del self.names[first : last + 1]
        self.pending = None
        self.events.append("remove")

    def row_moving(self, row: int, before: int) -> None:
        assert self.pending is None and before not in (row, row + 1)
        self.pending = ("move", row, before)

    def row_moved(self) -> None:
        assert self.pending is not None and self.pending[0] == "move"
        _, row, before = self.pending
        name = self.names.pop(row)
        self.names.insert(before if before < row else before - 1, name)
        self.pending = None
        self.events.append("move")

    def rows_reordering(self) -> None:
        assert self.pending is None
        self.pending = ("reorder", 0, 0)

    def rows_reordered(self, new_row: list[int]) -> None:
        assert sorted(new_row) == list(range(len(self.names)))
        moved = [""] * len(self.names)
        for old, new in enumerate(new_row):
            moved[new] = self.names[old]
        self.names = moved
        self.pending = None
        self.events.append("reorder")

    def row_changed(self, row: int) -> None:
        assert self.names[row] == self._name(row)
        self.events.append("change")


def make() -> tuple[RowStore, Mirror]:
    store = RowStore()
    mirror = Mirror(store)
    store.events = mirror
    return store, mirror


def names(store: RowStore) -> list[str]:
    return [r.record.machine_name or "" for r in store.rows]


def attempts(store: RowStore) -> list[int | None]:
    return [r.record.attempts for r in store.rows]


def test_rows_arrive_in_sort_position_and_the_listener_sees_the_same_list() -> None:
    store, mirror = make()
    store.sort(COL_ATTEMPTS)
    for n, a in enumerate([5, 1, 9, None, 3]):
        store.add([row(f"PC{n}", attempts=a)])
    assert attempts(store) == [1, 3, 5, 9, None]  # missing values last
    assert mirror.names == names(store)


def test_descending_keeps_missing_values_last() -> None:
    store, mirror = make()
    store.add([row(f"PC{n}", attempts=a) for n, a in enumerate([5, None, 1, 9])])
    store.sort(COL_ATTEMPTS, descending=True)
    assert attempts(store) == [9, 5, 1, None]
    assert mirror.names == names(store)


def test_a_first_pass_is_appended_then_sorted_once() -> None:
    store, mirror = make()
    store.sort(COL_MACHINE)
    store.defer_sort(True)
    for n in (3, 1, 2):
        store.add([row(f"PC{n}")])
    assert names(store) == ["PC3", "PC1", "PC2"]  # as they came
    store.defer_sort(False)
    assert names(store) == ["PC1", "PC2", "PC3"]
    assert mirror.events == ["insert", "insert", "insert", "reorder"]
    assert mirror.names == names(store)


def test_changed_and_removed_rows_keep_the_order_and_the_counts() -> None:
    store, mirror = make()
    store.sort(COL_ATTEMPTS)
    store.add([row(f"PC{n:02d}", attempts=n, last_error_code=5) for n in range(40)])
    store.update([row("PC03", attempts=100, last_error_code=53), row("PC30", attempts=-1)])
    assert names(store)[0] == "PC30" and names(store)[-1] == "PC03"
    assert "move" in mirror.events
    store.remove([f"{BOX}/PC{n:02d}.ccr" for n in (1, 2, 4, 5, 6, 39)])
    assert len(store) == 34 and store.row_of(f"{BOX}/PC05.ccr") is None
    assert store.error_counts() == {5: 32, NO_ERROR: 1, 53: 1}
    assert attempts(store) == sorted(a for a in attempts(store) if a is not None)
    assert mirror.names == names(store)


def test_random_changes_always_leave_a_sorted_store_and_a_true_mirror() -> None:
    rnd = random.Random(7)
    store, mirror = make()
    store.sort(COL_ATTEMPTS, descending=True)
    live: set[str] = set()
    for step in range(200):
        action = rnd.choice(["add", "add", "change", "remove"])
        count = rnd.choice([1, 2, 5, 40])
        if action == "add":
            fresh = [f"N{step}-{i}" for i in range(count)]
            store.add([row(n, attempts=rnd.choice([None, *range(20)])) for n in fresh])
            live.update(fresh)
        elif action == "change" and live:
            picked = rnd.sample(sorted(live), min(count, len(live)))
            store.update([row(n, attempts=rnd.choice([None, *range(20)])) for n in picked])
        elif live:
            picked = rnd.sample(sorted(live), min(count, len(live)))
            store.remove([f"{BOX}/{n}.ccr" for n in picked])
            live.difference_update(picked)
        values = [a for a in attempts(store) if a is not None]
        assert values == sorted(values, reverse=True)
        assert all(a is None for a in attempts(store)[len(values) :])
        assert mirror.names == names(store)
    assert sorted(names(store)) == sorted(live)


def test_outcomes_sort_failures_first() -> None:
    store, _mirror = make()
    store.add([row(n) for n in ("A", "B", "C", "D")])
    store.sort(COL_OUTCOME)
    store.set_outcomes(
        {
            f"{BOX}/A.ccr": RowOutcome("resubmitted", "", OutcomeKind.OK),
            f"{BOX}/C.ccr": RowOutcome("failed", "", OutcomeKind.FAILED),
            f"{BOX}/D.ccr": RowOutcome("already queued", "", OutcomeKind.WARN),
        }
    )
    assert names(store) == ["C", "D", "A", "B"]


def test_batches_come_from_the_scanners_diff_with_the_rows_built() -> None:
    files = [
        ScannedFile(CcrRecord(file=f"{BOX}/P{i}.ccr", problem="bad"), 1, 1) for i in range(1200)
    ]
    out = batches(ScanDiff(added=files, removed=["x"], done=1200, total=1200, final=True))
    assert [len(b.removed) + len(b.added) for b in out] == [1, 500, 500, 200]
    assert [b.final for b in out] == [False, False, False, True]
    store = RowStore()
    for b in out:
        store.apply(b)
    assert store.error_counts() == {PROBLEM: 1200}


def test_reachable_sorts_answering_first_unchecked_last_by_machine() -> None:
    from datetime import datetime

    from ccrgui.core.reach import PortState, Reachability
    from ccrgui.gui.box.columns import COL_REACHABLE, reach_text

    store = RowStore()
    store.add([row("A"), row("B"), row("C"), row("D")])
    when = datetime(2026, 12, 1, 14, 2).astimezone()
    store.set_reach(
        [
            Reachability("b", when, ["10.0.0.2"], True, "", {445: PortState.OPEN}),
            Reachability("C", when, [], False, "no such host"),
            Reachability("D", when, ["10.0.0.4"], True, "", {445: PortState.TIMEOUT}),
        ]
    )
    store.sort(COL_REACHABLE)
    assert [r.record.machine_name for r in store.rows] == ["B", "D", "C", "A"]
    assert reach_text(store.reach["b"]) == "yes 14:02"  # case-insensitive by machine
    assert reach_text(store.reach["d"]) == "445 timeout 14:02"
    assert reach_text(store.reach["c"]) == "no DNS 14:02"
