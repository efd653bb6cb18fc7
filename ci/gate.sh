#!/usr/bin/env bash
# ci/gate.sh - the deterministic regression gate, for your own CI.
# Runs a small QEMU -icount matrix (every allocator, page-table and pid
# strategy; fork, vfork, clone; resident sizes 1, 4, 16 pages), compares it
# with results/baseline-icount.csv and fails on anything more than
# TOLERANCE percent worse (default 2). `make baseline` regenerates the
# baseline on purpose. Arguments go to forklab gate (--format json: the
# verdict as one JSON object on stdout; everything else goes to stderr).
set -euo pipefail
cd "$(dirname "$0")/.."
make -s deps kernel >&2
exec tools/forklab gate --tolerance "${TOLERANCE:-2}" "$@"
