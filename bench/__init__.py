"""Benchmarks of the suite, its traversals and the mock: ``python -m bench`` writes RESULTS.md."""
