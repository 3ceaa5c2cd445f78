#!/usr/bin/env bash
# test/fuzz/run.sh [SECONDS]: builds the libFuzzer targets with clang
# (--enable-fuzzing) in build-fuzz/ and runs each for SECONDS (default 60)
# on a scratch copy of its seed corpus. A crash is a failure; crashing inputs
# are kept in artifacts/fuzz/. Ends with "N passed, N failed".
set -uo pipefail
cd "$(dirname "$0")/../.."
secs=${1:-60}
repo=$PWD
out=$repo/artifacts/fuzz
mkdir -p build-fuzz "$out"
if [ ! -f build-fuzz/Makefile ]; then
	(cd build-fuzz && CC=clang "$repo/configure" --enable-fuzzing > configure.out 2>&1) ||
		{ echo "fuzz: configure failed" >&2; echo "0 passed, 1 failed"; exit 1; }
fi
targets="fuzz_json fuzz_config fuzz_cidr fuzz_cookie fuzz_authz fuzz_checkpoint fuzz_varrule"
if ! make -C build-fuzz -j"$(nproc)" $(printf 'test/fuzz/%s ' $targets) > build-fuzz/make.out 2>&1; then
	tail -20 build-fuzz/make.out >&2
	echo "0 passed, 1 failed"
	exit 1
fi
passed=0 failed=0
for t in $targets; do
	scratch=$(mktemp -d)
	if ./build-fuzz/test/fuzz/$t -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix="$out/$t-" "$scratch" "test/fuzz/corpus/$t" > "$out/$t.log" 2>&1; then
		passed=$((passed + 1))
		echo "ok   $t ($(grep -c . "$out/$t.log") log lines)" >&2
	else
		failed=$((failed + 1))
		echo "FAIL $t: see $out/$t.log" >&2
		tail -30 "$out/$t.log" >&2
	fi
	rm -rf "$scratch"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
