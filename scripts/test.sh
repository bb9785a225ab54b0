#!/usr/bin/env bash
# The test command: set-up, the native build (PTX, CUDA emulator) with CTest, then every test
# project of the solution in Release, with TRX results.
# The last line printed is always the totals over all test projects:
#   N passed, N failed[, N skipped]
# Exit status: 0 when the build succeeded and no test failed, 1 otherwise (a build failure prints
# the counts that were found, which may be partial, and still exits 1).
# Results go to $AGNAS_TEST_RESULTS (default artifacts/test-results), cleaned first.
set -uo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

results=${AGNAS_TEST_RESULTS:-artifacts/test-results}
rm -rf "$results"
mkdir -p "$results"

if ! scripts/setup.sh; then
    echo "test.sh: scripts/setup.sh failed; no tests were run" >&2
    echo "0 passed, 0 failed"
    exit 1
fi

# The native half: kernels to PTX (clang 14), the CUDA host emulator and its GoogleTest suite.
native_log="$results/native.log"
native_junit="$PWD/$results/native-ctest.xml"
native_rc=0
{ cmake -S . -B build/native -DCMAKE_BUILD_TYPE=Release \
    && cmake --build build/native -j "$(nproc)" \
    && ctest --test-dir build/native --output-on-failure --output-junit "$native_junit"; } 2>&1 | tee "$native_log"
native_rc=${PIPESTATUS[0]}

log="$results/dotnet-test.log"
dotnet test AgNas.Native.sln -c Release --logger trx --results-directory "$results" 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

# Sum the <Counters .../> of every TRX file. "failed" also counts error/timeout/aborted outcomes;
# "skipped" is the tests that were not executed (xunit's Skip).
attr() { # attr NAME COUNTERS -> the attribute's value, 0 when absent
    local v
    v=$(sed -n "s/.* $1=\"\([0-9]*\)\".*/\1/p" <<<"$2")
    echo "${v:-0}"
}
passed=0 failed=0 skipped=0 files=0
shopt -s nullglob
for trx in "$results"/*.trx; do
    counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
    if [[ -z $counters ]]; then
        echo "test.sh: $trx has no <Counters>; counting it as a failure" >&2
        failed=$((failed + 1))
        continue
    fi
    files=$((files + 1))
    for outcome in failed error timeout aborted; do
        failed=$((failed + $(attr "$outcome" "$counters")))
    done
    passed=$((passed + $(attr passed "$counters")))
    # xunit's skipped tests count in total but not in executed (notExecuted stays 0); take whichever is larger.
    not_run=$(($(attr total "$counters") - $(attr executed "$counters")))
    not_executed=$(attr notExecuted "$counters")
    skipped=$((skipped + (not_run > not_executed ? not_run : not_executed)))
done

# CTest's JUnit file: <testsuite ... tests="N" failures="F" disabled="D" skipped="S" ...>.
suite=""
# The tag spans several lines (attributes on their own, tab-indented): flatten before matching.
[[ -f $native_junit ]] && suite=$(tr '\n\t' '  ' <"$native_junit" | grep -o '<testsuite [^>]*>' | head -n 1)
if [[ -n $suite ]]; then
    n_tests=$(attr tests "$suite") n_fail=$(attr failures "$suite") n_skip=$(attr skipped "$suite") n_dis=$(attr disabled "$suite")
    passed=$((passed + n_tests - n_fail - n_skip - n_dis))
    failed=$((failed + n_fail))
    skipped=$((skipped + n_skip + n_dis))
else
    echo "test.sh: the native build or CTest did not produce a readable $native_junit; counting it as a failure" >&2
    failed=$((failed + 1))
fi

# Each test run announces its TRX file; fewer files than announcements means one was overwritten.
announced=$(grep -c 'Results File:' "$log" || true)
status=0
build_errors=$(grep -cE ': error [A-Z]+[0-9]+' "$log" || true)
if ((build_errors > 0)); then
    echo "test.sh: BUILD FAILED ($build_errors error lines above); the counts below cover only the projects that built" >&2
    status=1
elif ((rc != 0)); then
    echo "test.sh: dotnet test exited $rc" >&2
    status=1
fi
if ((files < announced)); then
    echo "test.sh: $announced test runs reported a TRX file but only $files were found in $results; counts are incomplete" >&2
    status=1
fi
if ((native_rc != 0)); then
    echo "test.sh: the native build or CTest exited $native_rc (see $native_log)" >&2
    status=1
fi
((failed > 0)) && status=1

summary="$passed passed, $failed failed"
((skipped > 0)) && summary+=", $skipped skipped"
echo "$summary"
exit $status
