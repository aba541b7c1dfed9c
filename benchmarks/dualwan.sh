#!/usr/bin/env bash
# Converge a dualWan profile of WANS uplinks (both families, nftables backend) in a throw-away
# network namespace and compare with the shell script people write for the same recipe: sysctl -w,
# one nft -f, and one `ip rule`/`ip route` per line, guarded with `del ... 2>/dev/null` so that it
# can run twice. No traffic is sent; the namespace is removed at the end.
# Run by hand, as root:  benchmarks/dualwan.sh [WANS] [RUNS]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
wans="${1:-2}" runs="${2:-5}"
ns="nc-bench-dualwan-$$"
work="$(mktemp -d)"
trap 'ip netns del "$ns" 2>/dev/null || true; rm -rf "$work"' EXIT
ip netns add "$ns"
for n in $(seq 1 "$wans"); do
  ip -n "$ns" link add "wan$n" type veth peer name "wan${n}p"
  ip -n "$ns" link set "wan$n" up
  ip -n "$ns" link set "wan${n}p" up
  ip -n "$ns" addr add "198.18.$n.2/24" dev "wan$n"
  ip -n "$ns" addr add "2001:db8:$n::2/64" dev "wan$n" nodad
done
# The namespace shares this machine's /etc: keep netconverge's iproute2 name files out of it.
mkdir -p "$work/iproute2"
export JAVA_TOOL_OPTIONS="-Dnetconverge.iproute2.dir=$work/iproute2"

{
  printf 'apiVersion: netconverge/v1\nkind: HostState\ndualWan:\n  backend: nftables\n'
  printf '  markMask: "0xff"\n  families: both\n  wans:\n'
  for n in $(seq 1 "$wans"); do
    printf '    - { name: isp%s, interface: wan%s, mark: %s, table: %s, gateway: 198.18.%s.1,' \
      "$n" "$n" "$n" $((100 + n)) "$n"
    printf ' address: 198.18.%s.2/24, gateway6: "2001:db8:%s::1", address6: "2001:db8:%s::2/64" }\n' \
      "$n" "$n" "$n"
  done
} > "$work/host.yaml"

{
  echo 'set -e'
  echo -n 'sysctl -q -w net.ipv4.tcp_fwmark_accept=1 net.ipv4.fwmark_reflect=1 net.ipv6.fwmark_reflect=1'
  for n in $(seq 1 "$wans"); do
    echo -n " net.ipv4.conf.wan$n.src_valid_mark=1 net.ipv4.conf.wan$n.rp_filter=2"
  done
  echo
  echo "nft -f - <<'NFT'"
  echo 'table inet dualwan'
  echo 'delete table inet dualwan'
  echo 'table inet dualwan {'
  nd='icmpv6 type { nd-router-solicit, nd-router-advert, nd-neighbor-solicit, nd-neighbor-advert, nd-redirect } return'
  echo "  chain prerouting { type filter hook prerouting priority mangle; $nd"
  for n in $(seq 1 "$wans"); do echo "    ct state new iifname \"wan$n\" ct mark set ct mark & 0xffffff00 | $n"; done
  for n in $(seq 1 "$wans"); do echo "    ct mark & 0xff == $n meta mark set meta mark & 0xffffff00 | $n"; done
  echo '  }'
  echo "  chain output { type route hook output priority mangle; $nd"
  for n in $(seq 1 "$wans"); do echo "    ct mark & 0xff == $n meta mark set meta mark & 0xffffff00 | $n"; done
  echo '  }'
  echo '}'
  echo 'NFT'
  for f in 4 6; do
    for n in $(seq 1 "$wans"); do
      t=$((100 + n))
      if [ $f = 4 ]; then a=198.18.$n.2 net=198.18.$n.0/24 gw=198.18.$n.1; else a=2001:db8:$n::2 net=2001:db8:$n::/64 gw=2001:db8:$n::1; fi
      for rule in "pref $((10000 + t)) fwmark $n/0xff lookup main suppress_prefixlength 0" \
        "pref $((20000 + t)) fwmark $n/0xff lookup $t" \
        "pref $((15000 + t)) from $a lookup main suppress_prefixlength 0" \
        "pref $((25000 + t)) from $a lookup $t"; do
        echo "ip -$f rule del $rule 2>/dev/null || true"
        echo "ip -$f rule add $rule"
      done
      echo "ip -$f route replace $net dev wan$n table $t"
      echo "ip -$f route replace default via $gw dev wan$n table $t"
    done
  done
} > "$work/plain.sh"

"$root/bin/converge" --version >/dev/null # builds the jar once, outside the timings

ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }

plain=$(for _ in $(seq "$runs"); do ms ip netns exec "$ns" bash "$work/plain.sh"; done | median)
# Start netconverge from the same empty state the script started from.
ip netns exec "$ns" nft flush ruleset
for f in 4 6; do
  ip -n "$ns" -$f rule flush
  ip -n "$ns" -$f rule add pref 32766 lookup main
  [ $f = 4 ] && ip -n "$ns" -4 rule add pref 32767 lookup default
  for n in $(seq 1 "$wans"); do ip -n "$ns" -$f route flush table $((100 + n)); done
done
first=$(ms "$root/bin/converge" apply --netns "$ns" "$work/host.yaml")
again=$(for _ in $(seq "$runs"); do ms "$root/bin/converge" apply --netns "$ns" "$work/host.yaml"; done | median)
plan=$(for _ in $(seq "$runs"); do ms "$root/bin/converge" plan --netns "$ns" "$work/host.yaml"; done | median)
check=$("$root/bin/converge" plan --netns "$ns" "$work/host.yaml" 2>/dev/null | tail -1)

echo "dualWan with $wans WANs, both families, nftables backend; median of $runs runs"
echo "  plain shell script:             ${plain} ms (rewrites everything, reports nothing)"
echo "  converge apply (first):         ${first} ms"
echo "  converge apply (nothing to do): ${again} ms  ratio $(awk "BEGIN {printf \"%.1f\", $again / $plain}")x"
echo "  converge plan:                  ${plan} ms  ratio $(awk "BEGIN {printf \"%.1f\", $plan / $plain}")x"
echo "  last plan: $check"
