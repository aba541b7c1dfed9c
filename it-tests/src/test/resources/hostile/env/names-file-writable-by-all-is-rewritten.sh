#!/bin/sh
# run: env
# expect: contained
# owns: rp_filter
# owns: table 119
# owns: 10.1.0.0/16
# why: a names file others could write is not trusted, and comes back 0644

# A /run of its own with the namespaces bound back in, $DIR/state.yaml, converge and fail.
. "$PREAMBLE"

mkdir -p "$DIR/iproute2/rt_tables.d"
printf "119 main\n" > "$DIR/iproute2/rt_tables.d/netconverge.conf"; chmod 666 "$DIR/iproute2/rt_tables.d/netconverge.conf"
converge apply --netns "$NS" "$DIR/state.yaml" || fail "apply exited $?"
[ "$(stat -c %a "$DIR/iproute2/rt_tables.d/netconverge.conf")" = 644 ] || fail "mode"
grep -q "^119	isp9$" "$DIR/iproute2/rt_tables.d/netconverge.conf" || fail "content: $(cat "$DIR/iproute2/rt_tables.d/netconverge.conf")"
echo checked
