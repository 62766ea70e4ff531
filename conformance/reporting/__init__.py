"""Reports of a run, one small module per format, all read from the results.json dictionary.

``html`` and ``observed`` render the sections of ``report.html`` (pytest-html draws the page
around them), ``junit`` writes ``junit.xml``, ``baseline`` compares with an earlier run, and
``scrub`` is the last pass over every written file (no credential, no whole scroll token).
``plugin`` wires them to pytest; nothing here sends a request or reads a secret from the
environment.
"""
