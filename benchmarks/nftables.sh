#!/usr/bin/env bash
# Converge an nft host state of TABLES tables x RULES rules in a throw-away network namespace and
# compare with a plain shell script doing the same work (load the tables with one `nft -f`, which
# is what a careful hand-written script does; it cannot tell whether anything changed).
# Run by hand, as root:  benchmarks/nftables.sh [TABLES] [RULES] [RUNS]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tables="${1:-6}" rules="${2:-80}" runs="${3:-5}"
ns="nc-bench-nft-$$"
work="$(mktemp -d)"
trap 'ip netns del "$ns" 2>/dev/null || true; rm -rf "$work"' EXIT
ip netns add "$ns"

{
  echo "apiVersion: netconverge/v1"
  echo "kind: HostState"
  echo "nftables:"
  for t in $(seq 0 $((tables - 1))); do
    echo "  - table: inet bench$t"
    echo "    definition: |"
    echo "      chain c {"
    echo "        type filter hook prerouting priority mangle;"
    for r in $(seq 1 "$rules"); do echo "        iifname \"wan$r\" meta mark set $r"; done
    echo "      }"
  done
} > "$work/host.yaml"
for t in $(seq 0 $((tables - 1))); do
  echo "table inet bench$t"
  echo "delete table inet bench$t"
  echo "table inet bench$t {"
  echo "  chain c {"
  echo "    type filter hook prerouting priority mangle;"
  for r in $(seq 1 "$rules"); do echo "    iifname \"wan$r\" meta mark set $r"; done
  echo "  }"
  echo "}"
done > "$work/plain.nft"

"$root/bin/converge" --version >/dev/null # builds the jar once, outside the timings

ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }

plain=$(for _ in $(seq "$runs"); do ms ip netns exec "$ns" nft -f "$work/plain.nft"; done | median)
ip netns exec "$ns" nft flush ruleset
first=$(ms "$root/bin/converge" apply --netns "$ns" "$work/host.yaml")
again=$(for _ in $(seq "$runs"); do ms "$root/bin/converge" apply --netns "$ns" "$work/host.yaml"; done | median)
plan=$(for _ in $(seq "$runs"); do ms "$root/bin/converge" plan --netns "$ns" "$work/host.yaml"; done | median)

echo "$tables tables x $rules rules, median of $runs runs"
echo "  plain nft -f script:            ${plain} ms (always rewrites, reports nothing)"
echo "  converge apply (first):         ${first} ms"
echo "  converge apply (nothing to do): ${again} ms  ratio $(awk "BEGIN {printf \"%.1f\", $again / $plain}")x"
echo "  converge plan:                  ${plan} ms  ratio $(awk "BEGIN {printf \"%.1f\", $plan / $plain}")x"
