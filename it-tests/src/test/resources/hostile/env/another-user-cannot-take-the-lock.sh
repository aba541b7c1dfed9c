#!/bin/sh
# run: env
# expect: contained
# owns: rp_filter
# owns: table 119
# owns: 10.1.0.0/16
# why: the issue: any local user could hold the lock with flock and block every converge

# A /run of its own with the namespaces bound back in, $DIR/state.yaml, converge and fail.
. "$PREAMBLE"

mkdir -m 755 /run/netconverge; : > /run/netconverge/netns-9.lock; chmod 644 /run/netconverge/netns-9.lock
converge apply --netns "$NS" "$DIR/state.yaml" || fail "apply exited $?"
[ "$(stat -c %a /run/netconverge)" = 700 ] || fail "an old open folder was not narrowed"
setpriv --reuid=65534 --regid=65534 --clear-groups flock -n /run/netconverge/netns-x.lock true 2>/dev/null && fail "another user took a lock"
echo checked
