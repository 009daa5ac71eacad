#!/usr/bin/env python3
"""A `cors-sim conform` shim (docs/shim-protocol.md) that answers each
question with what a real browser was observed doing for that case (the
harness writes the answers, mapped back to the corpus's origins)."""
import json
import sys

with open(sys.argv[1]) as f:
    answers = json.load(f)
for line in sys.stdin:
    if not line.strip():
        continue
    q = json.loads(line)
    a = answers.get(q["id"], {"id": q["id"], "skip": "not run"})
    sys.stdout.write(json.dumps(a) + "\n")
    sys.stdout.flush()
