#!/bin/sh
# run: env
# expect: contained
# owns: rp_filter
# owns: table 119
# owns: 10.1.0.0/16
# why: lock files of namespaces long gone are removed

# A /run of its own with the namespaces bound back in, $DIR/state.yaml, converge and fail.
. "$PREAMBLE"

mkdir -m 700 /run/netconverge; : > /run/netconverge/netns-1.lock; : > /run/netconverge/netns-2.lock
converge apply --netns "$NS" "$DIR/state.yaml" || fail "apply exited $?"
# One fixed file stays: sweep.lock, which orders the sweep of stale lock files.
[ -z "$(ls -A /run/netconverge | grep -vx sweep.lock)" ] || fail "left: $(ls -A /run/netconverge)"
echo checked
