#!/usr/bin/env python3
"""Runs every integration test (test/integration/t_*.py) against real
MariaDB, lighttpd, Apache mod_fcgid and `panel-fcgi serve`."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import harness  # noqa: E402

sys.exit(harness.main(sys.argv[1:]))
