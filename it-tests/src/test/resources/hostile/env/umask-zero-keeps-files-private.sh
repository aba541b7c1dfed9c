#!/bin/sh
# run: env
# expect: contained
# owns: rp_filter
# owns: table 119
# owns: 10.1.0.0/16
# why: the issue: under umask 000 the lock and the name files came out world-writable

# A /run of its own with the namespaces bound back in, $DIR/state.yaml, converge and fail.
. "$PREAMBLE"

mkdir -p "$DIR/iproute2/rt_tables.d" "$DIR/iproute2/rt_protos.d"
umask 000
converge apply --netns "$NS" "$DIR/state.yaml" || fail "apply exited $?"
[ "$(stat -c %a /run/netconverge)" = 700 ] || fail "lock folder mode $(stat -c %a /run/netconverge)"
# One fixed file stays: sweep.lock, which orders the sweep of stale lock files.
[ -z "$(ls -A /run/netconverge | grep -vx sweep.lock)" ] || fail "lock files left: $(ls -A /run/netconverge)"
[ "$(stat -c %a /run/netconverge/sweep.lock)" = 600 ] || fail "sweep.lock mode $(stat -c %a /run/netconverge/sweep.lock)"
[ "$(stat -c %a "$DIR/iproute2/rt_tables.d/netconverge.conf")" = 644 ] || fail "rt_tables.d file mode"
[ "$(stat -c %a "$DIR/iproute2/rt_protos.d/netconverge.conf")" = 644 ] || fail "rt_protos.d file mode"
[ -z "$(find "$DIR/iproute2" -name "*.conf.*")" ] || fail "temporary files left"
echo checked
