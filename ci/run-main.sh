#!/bin/sh
# run-main.sh - what "make run" runs after setup: for now, build the O0
# and O2 variants of the fetched tree and print their ids.
set -eu
./pfharness build --variant O0
./pfharness build --variant O2
