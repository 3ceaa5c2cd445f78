"""count_unit.py BUILD_DIR: prints "PASSED FAILED" for the unit tests that
`make check` ran, counting each check of a test program (its "# N passed,
M failed" line) and a program that crashed or failed without one as a
failure."""

import glob
import os
import re
import sys

build = sys.argv[1]
passed = failed = 0
trs_files = glob.glob(os.path.join(build, "test", "unit", "*.trs"))
if not trs_files:
    failed = 1  # make check did not even run
for trs in sorted(trs_files):
    with open(trs) as f:
        result = re.search(r":test-result: (\w+)", f.read())
    result = result.group(1) if result else "ERROR"
    log = trs[:-4] + ".log"
    text = open(log, errors="replace").read() if os.path.exists(log) else ""
    m = re.findall(r"^# (\d+) passed, (\d+) failed$", text, re.M)
    if m:
        p, fl = map(int, m[-1])
        passed += p
        failed += fl
        if result not in ("PASS", "SKIP") and fl == 0:
            failed += 1  # e.g. a sanitizer report after the last check
    elif result == "PASS":
        passed += 1
    elif result != "SKIP":
        failed += 1
    if result not in ("PASS", "SKIP"):
        sys.stderr.write(f"unit: {os.path.basename(log)}: {result}\n{text[-3000:]}\n")
print(passed, failed)
