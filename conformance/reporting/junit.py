"""junit.xml: one testcase per (property, endpoint), readable by CI systems.

Written from the results.json dictionary rather than by pytest's ``--junitxml``, so a testcase
is named for what it checks (``classname`` the property id, ``name`` the endpoint) and carries
the failure message and its evidence, not the verdict's JSON as properties. Skipped and
inconclusive checks are both ``<skipped>``: neither is the target's fault, and ``type`` tells
them apart.
"""

from __future__ import annotations

import os
import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

SUITE_NAME = "c4w-conformance"
TEXT_CHARS = 4000
# characters XML 1.0 cannot carry at all (generated inputs can contain them)
_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def xml_safe(text: str) -> str:
    return _NOT_XML.sub(lambda match: f"\\x{ord(match.group(0)):02x}", text)


def failure_text(item: dict[str, Any]) -> str:
    """The failure's body: what was expected, the minimal example, the requests and answers."""
    lines = [item.get("message", "")]
    if item.get("expected"):
        lines.append(f"expected: {item['expected']}")
    if item.get("rule"):
        lines.append(f"rests on: {item['rule']}")
    if item.get("example"):
        lines.append(f"minimal example: {item['example']}")
    for evidence in item.get("evidence") or []:
        lines.append(f"{evidence.get('request', '')}\n  -> {evidence.get('status', '?')}")
        excerpt = str(evidence.get("response_excerpt", ""))
        if excerpt:
            lines.append(f"  {excerpt[:400]}")
    text = "\n".join(lines)
    return text if len(text) <= TEXT_CHARS else text[:TEXT_CHARS] + "..."


def _testcase(item: dict[str, Any]) -> ET.Element:
    case = ET.Element(
        "testcase",
        classname=item["property"],
        name=item["endpoint"],
        time=f"{float(item.get('duration', 0.0)):.3f}",
    )
    outcome, message = item["outcome"], xml_safe(item.get("message", ""))
    if outcome == "failed":
        failure = ET.SubElement(case, "failure", message=message, type="nonconformance")
        failure.text = xml_safe(failure_text(item))
    elif outcome == "skipped":
        ET.SubElement(case, "skipped", message=message or "not applicable", type="skipped")
    elif outcome == "inconclusive":
        ET.SubElement(case, "skipped", message=f"inconclusive: {message}", type="inconclusive")
    return case


def build(data: dict[str, Any]) -> ET.ElementTree:
    results = data.get("results", [])
    summary = data.get("summary", {})
    total_time = sum(float(item.get("duration", 0.0)) for item in results)
    counts = {
        "tests": str(len(results)),
        "failures": str(summary.get("failed", 0)),
        "errors": "0",
        "skipped": str(summary.get("skipped", 0) + summary.get("inconclusive", 0)),
        "time": f"{total_time:.3f}",
    }
    root = ET.Element("testsuites", {"name": SUITE_NAME, **counts})
    timestamp = str(data.get("started_at", ""))
    suite = ET.SubElement(root, "testsuite", {"name": SUITE_NAME, "timestamp": timestamp, **counts})
    properties = ET.SubElement(suite, "properties")
    target = data.get("target", {})
    for name, value in (
        ("target", target.get("url", "")),
        ("profile", data.get("profile", "")),
        ("seed", data.get("seed", "")),
        ("tool_version", data.get("tool", {}).get("version", "")),
        ("complete", str(data.get("complete", True)).lower()),
    ):
        ET.SubElement(properties, "property", name=name, value=xml_safe(str(value)))
    for item in results:
        suite.append(_testcase(item))
    ET.indent(root, space="  ")
    return ET.ElementTree(root)


def write(data: dict[str, Any], path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".xml.tmp")
    build(data).write(temporary, encoding="utf-8", xml_declaration=True)
    os.replace(temporary, path)
    return path
