#!/bin/sh
# run: env
# expect: contained
# owns: rp_filter
# owns: table 119
# owns: 10.1.0.0/16
# why: tools print what the parsers expect whatever the locale (dotted and dotless i)

# A /run of its own with the namespaces bound back in, $DIR/state.yaml, converge and fail.
. "$PREAMBLE"

LC_ALL=tr_TR.UTF-8 LANG=tr_TR.UTF-8 converge apply --netns "$NS" "$DIR/state.yaml" || fail "apply exited $?"
LC_ALL=tr_TR.UTF-8 LANG=tr_TR.UTF-8 converge plan --netns "$NS" "$DIR/state.yaml" || fail "second plan exited $?"
echo checked
