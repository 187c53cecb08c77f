"""The benchmark harness: ``python -m bench`` (or ``make bench``); see docs/performance.md."""
