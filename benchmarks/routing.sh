#!/usr/bin/env bash
# Converge TABLES routing tables x ROUTES routes and RULES ip rules in a throw-away network
# namespace, and compare with plain shell scripts doing the same work:
#   - per line: one `ip route replace` per route, `ip rule del` + `ip rule add` per rule (what
#     hand-written scripts and Ansible `command:` tasks do; it cannot tell whether anything changed)
#   - batched: the same lines through one `ip -batch -` (the fastest a shell script can go)
# Run by hand, as root:  benchmarks/routing.sh [TABLES] [ROUTES] [RULES] [RUNS]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
tables="${1:-10}" routes="${2:-100}" rules="${3:-100}" runs="${4:-3}"
ns="nc-bench-route-$$"
work="$(mktemp -d)"
trap 'ip netns del "$ns" 2>/dev/null || true; rm -rf "$work"' EXIT
ip netns add "$ns"
ip -n "$ns" link set lo up
ip -n "$ns" link add wan0 type veth peer name wan0p
ip -n "$ns" link set wan0 up
ip -n "$ns" link set wan0p up
ip -n "$ns" addr add 198.51.100.2/24 dev wan0

{
  echo "apiVersion: netconverge/v1"
  echo "kind: HostState"
  echo "routeTables:"
  for t in $(seq 0 $((tables - 1))); do
    echo "  - id: $((100 + t))"
    echo "    routes:"
    for i in $(seq 0 $((routes - 1))); do
      echo "      - { to: 10.$t.$((i >> 8)).$((i & 255)), via: 198.51.100.1, dev: wan0 }"
    done
  done
  echo "ipRules:"
  for i in $(seq 0 $((rules - 1))); do
    echo "  - { priority: $((10000 + i)), fwmark: $((i + 1)), table: $((100 + i % tables)) }"
  done
} > "$work/host.yaml"
{
  for t in $(seq 0 $((tables - 1))); do
    for i in $(seq 0 $((routes - 1))); do
      echo "route replace 10.$t.$((i >> 8)).$((i & 255)) via 198.51.100.1 dev wan0 table $((100 + t)) proto 77"
    done
  done
  for i in $(seq 0 $((rules - 1))); do
    echo "rule del priority $((10000 + i)) fwmark $((i + 1)) table $((100 + i % tables)) proto 77"
    echo "rule add priority $((10000 + i)) fwmark $((i + 1)) table $((100 + i % tables)) proto 77"
  done
} > "$work/lines"
# Per line, as a script: the first `rule del` of a missing rule fails, so each line may fail.
sed "s/^/ip -n $ns /; s/$/ 2>\/dev\/null || true/" "$work/lines" > "$work/plain.sh"

# The namespace shares this machine's /etc: keep netconverge's iproute2 name files out of it.
mkdir -p "$work/iproute2"
export JAVA_TOOL_OPTIONS="-Dnetconverge.iproute2.dir=$work/iproute2"
"$root/bin/converge" --version >/dev/null 2>&1 || true # builds the jar once, outside the timings

ms() { local s e; s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N); echo $(((e - s) / 1000000)); }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR + 1) / 2)]}'; }
reset() {
  for t in $(seq 0 $((tables - 1))); do ip -n "$ns" route flush table $((100 + t)) 2>/dev/null || true; done
  ip -n "$ns" rule show | awk -F: '$1 >= 10000 && $1 < 20000 {print $1}' | while read -r p; do ip -n "$ns" rule del priority "$p"; done
}

plainFirst=$(for _ in $(seq "$runs"); do reset; ms sh "$work/plain.sh"; done | median)
plainAgain=$(for _ in $(seq "$runs"); do ms sh "$work/plain.sh"; done | median)
batchFirst=$(for _ in $(seq "$runs"); do reset; ms ip -n "$ns" -force -batch "$work/lines"; done | median)
batchAgain=$(for _ in $(seq "$runs"); do ms ip -n "$ns" -force -batch "$work/lines"; done | median)
first=$(for _ in $(seq "$runs"); do reset; ms "$root/bin/converge" apply --netns "$ns" "$work/host.yaml"; done | median)
again=$(for _ in $(seq "$runs"); do ms "$root/bin/converge" apply --netns "$ns" "$work/host.yaml"; done | median)
plan=$(for _ in $(seq "$runs"); do ms "$root/bin/converge" plan --netns "$ns" "$work/host.yaml"; done | median)
ours=$(ip -n "$ns" -N rule show | grep -c 'proto 77' || true)

ratio() { awk "BEGIN {printf \"%.2f\", $1 / $2}"; }
echo "$tables tables x $routes routes + $rules rules, median of $runs runs (rules converged: $ours)"
echo "  plain script, one ip per line:   first ${plainFirst} ms, again ${plainAgain} ms (reports nothing)"
echo "  plain script, one ip -batch:     first ${batchFirst} ms, again ${batchAgain} ms (reports nothing)"
echo "  converge apply (first):          ${first} ms   vs per-line $(ratio "$first" "$plainFirst")x   vs batch $(ratio "$first" "$batchFirst")x"
echo "  converge apply (nothing to do):  ${again} ms   vs per-line $(ratio "$again" "$plainAgain")x   vs batch $(ratio "$again" "$batchAgain")x"
echo "  converge plan:                   ${plan} ms   vs per-line $(ratio "$plan" "$plainAgain")x   vs batch $(ratio "$plan" "$batchAgain")x"
