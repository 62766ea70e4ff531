"""A loopback HTTP proxy of our own that injects faults between the suite and a target."""

from conformance.faultproxy.faults import Fault, RandomFaults, Seen, max_rate, parse_inject
from conformance.faultproxy.server import FaultProxy

__all__ = ["Fault", "FaultProxy", "RandomFaults", "Seen", "max_rate", "parse_inject"]
