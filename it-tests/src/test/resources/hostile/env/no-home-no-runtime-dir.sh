#!/bin/sh
# run: env
# expect: contained
# owns: rp_filter
# owns: table 119
# owns: 10.1.0.0/16
# why: an environment without HOME or XDG_RUNTIME_DIR (a boot-time unit) still converges

# A /run of its own with the namespaces bound back in, $DIR/state.yaml, converge and fail.
. "$PREAMBLE"

env -u HOME -u XDG_RUNTIME_DIR -u USER $CONVERGE apply --netns "$NS" "$DIR/state.yaml" || fail "apply exited $?"
echo checked
