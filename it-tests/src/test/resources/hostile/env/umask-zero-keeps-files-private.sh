#!/bin/sh
# run: env
# expect: contained
# owns: rp_filter
# owns: table 119
# owns: 10.1.0.0/16
# why: the issue: under umask 000 the lock and the name files came out world-writable

# In a private mount namespace: a /run of its own (the namespaces bound back in), so that the lock
# folder can be made hostile without touching the machine's.
mkdir -p "$DIR/netns-bind" "$DIR/iproute2"
mount --rbind /run/netns "$DIR/netns-bind"
mount -t tmpfs -o mode=0755 ct-run /run
mkdir /run/netns
mount --rbind "$DIR/netns-bind" /run/netns
cat > "$DIR/state.yaml" <<EOF
apiVersion: netconverge/v1
kind: HostState
sysctl:
  net.ipv4.conf.ctf0.rp_filter: 2
routeTables:
  - { name: isp9, id: 119, routes: [ { to: 10.1.0.0/16, dev: ctf0 } ] }
EOF
converge() { $CONVERGE "$@" > "$DIR/out" 2> "$DIR/err"; rc=$?; cat "$DIR/out" "$DIR/err"; return $rc; }
fail() { echo "CHECK FAILED: $*"; exit 1; }


mkdir -p "$DIR/iproute2/rt_tables.d" "$DIR/iproute2/rt_protos.d"
umask 000
converge apply --netns "$NS" "$DIR/state.yaml" || fail "apply exited $?"
[ "$(stat -c %a /run/netconverge)" = 700 ] || fail "lock folder mode $(stat -c %a /run/netconverge)"
[ -z "$(ls -A /run/netconverge)" ] || fail "lock files left: $(ls -A /run/netconverge)"
[ "$(stat -c %a "$DIR/iproute2/rt_tables.d/netconverge.conf")" = 644 ] || fail "rt_tables.d file mode"
[ "$(stat -c %a "$DIR/iproute2/rt_protos.d/netconverge.conf")" = 644 ] || fail "rt_protos.d file mode"
[ -z "$(find "$DIR/iproute2" -name "*.conf.*")" ] || fail "temporary files left"
echo checked
