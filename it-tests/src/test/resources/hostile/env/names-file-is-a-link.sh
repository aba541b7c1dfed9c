#!/bin/sh
# run: env
# expect: contained
# owns: rp_filter
# owns: table 119
# owns: 10.1.0.0/16
# why: the names file is replaced, never written through a link

# A /run of its own with the namespaces bound back in, $DIR/state.yaml, converge and fail.
. "$PREAMBLE"

mkdir -p "$DIR/iproute2/rt_tables.d"; echo keep > "$DIR/victim"
ln -s "$DIR/victim" "$DIR/iproute2/rt_tables.d/netconverge.conf"
converge apply --netns "$NS" "$DIR/state.yaml" || fail "apply exited $?"
[ "$(cat "$DIR/victim")" = keep ] || fail "wrote through the link"
[ -f "$DIR/iproute2/rt_tables.d/netconverge.conf" ] && [ ! -L "$DIR/iproute2/rt_tables.d/netconverge.conf" ] || fail "still a link"
echo checked
