# Sourced by every hostile/env case (HostileCorpusIT passes its path as $PREAMBLE), in the case's
# private mount namespace, with $CONVERGE, $NS and $DIR set.

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
