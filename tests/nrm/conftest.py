"""The access matrix test (test_access_matrix.py) counts the cells it checked; the count is printed at the
end of the run, so that a run shows how much of the policy it held the service to."""

from __future__ import annotations

import pytest

CELLS_CHECKED = pytest.StashKey[list[int]]()


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, exitstatus: int,
                            config: pytest.Config) -> None:
    counts = config.stash.get(CELLS_CHECKED, [])
    if counts:
        terminalreporter.write_line(f"access matrix: {sum(counts)} cells checked ({len(counts)} roles)")
