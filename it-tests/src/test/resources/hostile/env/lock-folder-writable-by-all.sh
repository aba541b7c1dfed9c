#!/bin/sh
# run: env
# expect: contained
# owns: rp_filter
# owns: table 119
# owns: 10.1.0.0/16
# message: is writable by other users (mode 777)

# A /run of its own with the namespaces bound back in, $DIR/state.yaml, converge and fail.
. "$PREAMBLE"

mkdir -m 777 /run/netconverge
converge apply --netns "$NS" "$DIR/state.yaml" && fail "apply succeeded"; rc=$?
[ $rc = 1 ] || fail "exit $rc"
echo checked
