"""The embedded mock v2 server: a faithful, seeded stand-in for the Cloud4Wi REST API v2.

The suite never imports this package except to start it (``EmbeddedMock``).
"""
