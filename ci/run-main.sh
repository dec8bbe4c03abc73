#!/bin/sh
# run-main.sh - what "make run" runs after setup: the main job on the
# shipped cases, with the default variants (O0, default, O2) at 3 reps.
set -u
./pfharness run
rc=$?
[ $rc -le 1 ] && echo "open the report above in a browser (file://...)"
exit $rc
