"""Contract and conformance tests for the Cloud4Wi REST API v2."""

__version__ = "0.1.0"
