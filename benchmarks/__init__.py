"""Performance harness (`python -m benchmarks.run`): not part of the test command, see RESULTS.md."""
