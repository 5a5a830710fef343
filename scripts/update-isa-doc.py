#!/usr/bin/env python3
"""Replaces the generated reference in docs/isa.md with `pagoda isa --markdown`.

Usage: scripts/update-isa-doc.py [PAGODA_BINARY] [--check]
With --check, exits 1 (printing a diff) when the document is out of date.
"""
import difflib
import pathlib
import subprocess
import sys

BEGIN = "<!-- BEGIN GENERATED: pagoda isa --markdown -->\n"
END = "<!-- END GENERATED -->\n"

args = [a for a in sys.argv[1:] if a != "--check"]
check = "--check" in sys.argv
root = pathlib.Path(__file__).resolve().parent.parent
pagoda = args[0] if args else str(root / "build" / "bin" / "pagoda")
doc = pathlib.Path(args[1]) if len(args) > 1 else root / "docs" / "isa.md"

text = doc.read_text()
if BEGIN not in text or END not in text:
    sys.exit(f"{doc}: generated-section markers not found")
head, rest = text.split(BEGIN, 1)
_, tail = rest.split(END, 1)
generated = subprocess.run([pagoda, "isa", "--markdown"], check=True, capture_output=True,
                           text=True).stdout
updated = head + BEGIN + generated + END + tail
if check:
    if updated != text:
        sys.stdout.writelines(difflib.unified_diff(text.splitlines(True), updated.splitlines(True),
                                                   str(doc), "pagoda isa --markdown"))
        print(f"{doc} is out of date: run scripts/update-isa-doc.py")
        sys.exit(1)
    sys.exit(0)
doc.write_text(updated)
