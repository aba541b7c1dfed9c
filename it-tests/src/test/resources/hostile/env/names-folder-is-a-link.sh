#!/bin/sh
# run: env
# expect: contained
# owns: rp_filter
# owns: table 119
# owns: 10.1.0.0/16
# message: is not a directory

# A /run of its own with the namespaces bound back in, $DIR/state.yaml, converge and fail.
. "$PREAMBLE"

mkdir "$DIR/victim"; ln -s "$DIR/victim" "$DIR/iproute2/rt_tables.d"
converge apply --netns "$NS" "$DIR/state.yaml" && fail "apply succeeded"; rc=$?
[ $rc = 1 ] || fail "exit $rc"
[ -z "$(ls -A "$DIR/victim")" ] || fail "wrote through the link: $(ls -A "$DIR/victim")"
echo checked
