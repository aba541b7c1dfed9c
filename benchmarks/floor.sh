#!/usr/bin/env bash
# How close `converge` is to the floor, in one run: the seed dual-WAN host and a host at scale
# (10,000 routes in 10 tables, 1,000 ip rules, 1,000 nft rules). For each: first apply, no-op plan
# and no-op apply, as wall time, CPU time (user + system, children included), peak RSS (the largest
# process) and processes spawned, beside
#   - the floor: a JVM printing "hello" plus the bare reads a converge makes, as one shell script;
#   - a blind shell script: the same state written without reading (sysctl -w, ip -batch,
#     iptables-restore / nft -f), which can neither tell what changed nor undo anything.
# Everything runs in throw-away network namespaces (pk-bench-*), removed at the end; the host's
# /etc/iproute2 is not written (names go to a temporary folder).
# Processes are counted with strace (-f, execve only, in a separate run so it does not skew the
# timings): every program a command started, itself excluded; the same counter for every row.
# Run as root after `mvn package -pl cli -am -DskipTests`:  benchmarks/floor.sh [RUNS]
set -euo pipefail
root="${NETCONVERGE_ROOT:-$(cd "$(dirname "$0")/.." && pwd)}" # NETCONVERGE_ROOT: a copy of the build
runs="${1:-3}"
jar="$root/cli/target/converge.jar"
jsa="$root/cli/target/converge.jsa"
[ -f "$jar" ] || { echo "floor.sh: build first: mvn package -pl cli -am -DskipTests" >&2; exit 1; }
command -v strace >/dev/null || { echo "floor.sh: needs strace (apt-get install strace)" >&2; exit 1; }
command -v javac >/dev/null || { echo "floor.sh: needs javac (a JDK) for the hello floor" >&2; exit 1; }
work="$(mktemp -d)"
ns="pk-bench-$$"
cleanup() { ip netns del "$ns" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
mkdir -p "$work/iproute2"

jvm=(java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -Xshare:auto -XX:CompileThresholdScaling=3)
cds=()
[ -f "$jsa" ] && cds=(-XX:SharedArchiveFile="$jsa" -Xlog:cds=off -Xlog:cds+dynamic=off)
converge=("${jvm[@]}" "${cds[@]}" -Dnetconverge.iproute2.dir="$work/iproute2" -jar "$jar")
converge_nocds=("${jvm[@]}" -Dnetconverge.iproute2.dir="$work/iproute2" -jar "$jar")
printf 'public class Hello { public static void main(String[] a) { System.out.println("hello"); } }\n' >"$work/Hello.java"
javac -d "$work" "$work/Hello.java"

fresh() { # a new namespace with the file's interfaces, nothing else
  ip netns del "$ns" 2>/dev/null || true
  ip netns add "$ns"
  ip -n "$ns" link set lo up
  for i in 0 1; do
    ip -n "$ns" link add "wan$i" type veth peer name "wan${i}p"
    ip -n "$ns" link set "wan$i" up
    ip -n "$ns" link set "wan${i}p" up
  done
  ip -n "$ns" addr add 198.51.100.2/24 dev wan0
  ip -n "$ns" addr add 203.0.113.2/24 dev wan1
  applied_ns=""
}

# One measurement in the namespace: "wall_ms cpu_ms rss_kb".
measure() {
  local s e out
  s=$(date +%s%N)
  /usr/bin/time -f '%U %S %M' -o "$work/time" ip netns exec "$ns" "$@" >/dev/null 2>&1 || true
  e=$(date +%s%N)
  read -r u sy m < <(tail -n 1 "$work/time") # after "Command exited with non-zero status N"
  awk -v w=$(((e - s) / 1000000)) -v u="$u" -v s="$sy" -v m="$m" 'BEGIN {printf "%d %d %d\n", w, (u + s) * 1000, m}'
}
# Programs the command started (execve that succeeded), the command and `ip netns exec` excluded.
procs() {
  strace -f --seccomp-bpf -qq -e trace=execve -e signal=none -o "$work/strace" \
    ip netns exec "$ns" "$@" >/dev/null 2>&1 || true
  local n
  n=$(grep -c 'execve(.*) = 0' "$work/strace" || true)
  echo $((n - 2))
}
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
# ROW NAME SETUP CMD...: median of each measure over $runs runs (SETUP before each), then procs.
row() {
  local name=$1 setup=$2
  shift 2
  : >"$work/samples"
  for _ in $(seq "$runs"); do
    $setup
    measure "$@" >>"$work/samples"
  done
  $setup
  local p
  p=$(procs "$@")
  local w c m
  w=$(awk '{print $1}' "$work/samples" | median)
  c=$(awk '{print $2}' "$work/samples" | median)
  m=$(awk '{print $3}' "$work/samples" | median)
  echo "$name|$w|$c|$m|$p" >>"$work/rows"
}
noop() { :; }
applied() { # the state converged once, so that the next command has nothing to do
  [ -n "${applied_ns:-}" ] && return
  fresh
  ip netns exec "$ns" "${converge[@]}" apply "$file" >/dev/null 2>&1
  applied_ns=yes
}

table() { # TITLE: the rows collected, with ratios to the floor and the blind script
  local title=$1
  awk -F'|' -v title="$title" '
    { name[NR] = $1; w[NR] = $2; c[NR] = $3; m[NR] = $4; p[NR] = $5 }
    $1 == "JVM hello" { hw = $2; hc = $3; hm = $4; hp = $5 }
    $1 == "bare reads (sh)" { rw = $2; rc = $3; rm = $4; rp = $5 }
    $1 == "blind script (sh)" { bw = $2; bc = $3 }
    END {
      fw = hw + rw; fc = hc + rc; fm = (hm > rm ? hm : rm); fp = hp + rp
      printf "\n%s (median of %s runs)\n", title, RUNS
      printf "| %-28s | %8s | %8s | %8s | %5s | %11s | %11s | %10s |\n", "", "wall ms", "CPU ms", "RSS MB", "procs", "wall/floor", "wall/blind", "CPU/floor"
      printf "|%s|%s|%s|%s|%s|%s|%s|%s|\n", "------------------------------", "----------", "----------", "----------", "-------", "-------------", "-------------", "------------"
      printf "| %-28s | %8d | %8d | %8.0f | %5d | %11s | %11s | %10s |\n", "floor: JVM hello + reads", fw, fc, fm / 1024, fp, "1.00", (bw ? sprintf("%.2f", fw / bw) : "-"), "1.00"
      for (i = 1; i <= NR; i++) {
        printf "| %-28s | %8d | %8d | %8.0f | %5d | %11.2f | %11.2f | %10.2f |\n", name[i], w[i], c[i], m[i] / 1024, p[i], w[i] / fw, w[i] / bw, c[i] / fc
      }
    }' RUNS="$runs" "$work/rows"
  : >"$work/rows"
}

reads() { # FILE.sh: the reads a converge of this host makes, as one shell script
  {
    echo 'ip -N -j -d rule show; ip -6 -N -j -d rule show'
    echo 'ip -N -j -d route show table all; ip -6 -N -j -d route show table all'
    echo 'nft -j list ruleset'
    echo 'iptables-save; ip6tables-save'
    echo 'grep -H . /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/conf/wan0/rp_filter /proc/sys/net/ipv4/conf/wan1/rp_filter'
  } >"$1"
}

# ---- the seed host: inventory-examples/seed-dualwan-iptables.yaml
file="$root/inventory-examples/seed-dualwan-iptables.yaml"
reads "$work/reads.sh"
{
  echo 'sysctl -q -w net.ipv4.ip_forward=1 net.ipv4.tcp_fwmark_accept=1 net.ipv4.fwmark_reflect=1 net.ipv6.fwmark_reflect=1 net.ipv4.conf.wan0.src_valid_mark=1 net.ipv4.conf.wan0.rp_filter=2 net.ipv4.conf.wan1.src_valid_mark=1 net.ipv4.conf.wan1.rp_filter=2'
  echo "ip -batch - <<'IP'"
  for w in "10 110 198.51.100.2 198.51.100.0/24 198.51.100.1 wan0" "20 120 203.0.113.2 203.0.113.0/24 203.0.113.1 wan1"; do
    set -- $w
    echo "rule add priority $((10000 + $2)) fwmark $1/0xff lookup main suppress_prefixlength 0 proto 77"
    echo "rule add priority $((20000 + $2)) fwmark $1/0xff lookup $2 proto 77"
    echo "rule add priority $((15000 + $2)) from $3 lookup main suppress_prefixlength 0 proto 77"
    echo "rule add priority $((25000 + $2)) from $3 lookup $2 proto 77"
    echo "route replace $4 dev $6 table $2 proto 77"
    echo "route replace default via $5 dev $6 table $2 proto 77"
  done
  echo "IP"
  echo "iptables-restore --noflush <<'IPT'"
  echo '*mangle'
  echo ':NC-DUALWAN-PRE - [0:0]'
  echo ':NC-DUALWAN-OUT - [0:0]'
  echo '-A PREROUTING -m comment --comment netconverge -j NC-DUALWAN-PRE'
  echo '-A OUTPUT -m comment --comment netconverge -j NC-DUALWAN-OUT'
  echo '-A NC-DUALWAN-PRE -i wan0 -m conntrack --ctstate NEW -j CONNMARK --set-xmark 0xa/0xff'
  echo '-A NC-DUALWAN-PRE -i wan1 -m conntrack --ctstate NEW -j CONNMARK --set-xmark 0x14/0xff'
  echo '-A NC-DUALWAN-PRE -m connmark ! --mark 0x0/0xff -j CONNMARK --restore-mark --nfmask 0xff --ctmask 0xff'
  echo '-A NC-DUALWAN-OUT -m connmark ! --mark 0x0/0xff -j CONNMARK --restore-mark --nfmask 0xff --ctmask 0xff'
  echo 'COMMIT'
  echo 'IPT'
} >"$work/blind.sh"

: >"$work/rows"
fresh
row "JVM hello" noop "${jvm[@]}" -cp "$work" Hello
row "bare reads (sh)" applied sh "$work/reads.sh"
row "blind script (sh)" fresh sh "$work/blind.sh"
row "converge first apply" fresh "${converge[@]}" apply "$file"
row "converge no-op plan" applied "${converge[@]}" plan "$file"
row "converge no-op plan, no CDS" applied "${converge_nocds[@]}" plan "$file"
row "converge no-op apply" applied "${converge[@]}" apply "$file"
table "seed host: dual-WAN, iptables backend (inventory-examples/seed-dualwan-iptables.yaml)"

# ---- at scale: 10 tables x 1,000 routes, 1,000 ip rules, 1,000 nft rules
file="$work/scale.yaml"
{
  echo "apiVersion: netconverge/v1"
  echo "kind: HostState"
  echo "routeTables:"
  for t in $(seq 0 9); do
    echo "  - id: $((100 + t))"
    echo "    routes:"
    for i in $(seq 0 999); do echo "      - { to: 10.$t.$((i >> 8)).$((i & 255)), via: 198.51.100.1, dev: wan0 }"; done
  done
  echo "ipRules:"
  for i in $(seq 0 999); do echo "  - { priority: $((10000 + i)), fwmark: $((i + 1)), table: $((100 + i % 10)) }"; done
  echo "nftables:"
  echo "  - table: inet pkbench"
  echo "    definition: |"
  echo "      chain c {"
  echo "        type filter hook prerouting priority mangle; policy accept;"
  for i in $(seq 0 999); do echo "        ip saddr 172.16.$((i >> 8)).$((i & 255)) meta mark set $((i + 1))"; done
  echo "      }"
} >"$file"
{
  echo 'ip -batch - <<"IP"'
  for t in $(seq 0 9); do
    for i in $(seq 0 999); do echo "route replace 10.$t.$((i >> 8)).$((i & 255)) via 198.51.100.1 dev wan0 table $((100 + t)) proto 77"; done
  done
  for i in $(seq 0 999); do echo "rule add priority $((10000 + i)) fwmark $((i + 1)) table $((100 + i % 10)) proto 77"; done
  echo 'IP'
  echo 'nft -f - <<"NFT"'
  echo 'table inet pkbench'
  echo 'delete table inet pkbench'
  echo 'table inet pkbench {'
  echo '  chain c {'
  echo '    type filter hook prerouting priority mangle; policy accept;'
  for i in $(seq 0 999); do echo "    ip saddr 172.16.$((i >> 8)).$((i & 255)) meta mark set $((i + 1))"; done
  echo '  }'
  echo '}'
  echo 'NFT'
} >"$work/blind.sh"
fresh
row "JVM hello" noop "${jvm[@]}" -cp "$work" Hello
row "bare reads (sh)" applied sh "$work/reads.sh"
row "blind script (sh)" fresh sh "$work/blind.sh"
row "converge first apply" fresh "${converge[@]}" apply "$file"
row "converge no-op plan" applied "${converge[@]}" plan "$file"
row "converge no-op apply" applied "${converge[@]}" apply "$file"
table "at scale: 10,000 routes in 10 tables, 1,000 ip rules, 1,000 nft rules"
echo
echo "$(nproc) cores; load average at the end: $(cut -d' ' -f1-3 /proc/loadavg); CDS archive: $([ ${#cds[@]} -gt 0 ] && echo "$jsa" || echo none)"
