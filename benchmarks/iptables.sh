#!/usr/bin/env bash
# Converging N iptables rules: netconverge (one restore per family, checked in a throw-away
# namespace) against the plain shell script people write (one iptables call per rule, with a
# -C guard so that it can be re-run). Prints times and ratios; run by hand as root:
#   benchmarks/iptables.sh [N]
set -euo pipefail
n="${1:-200}"
root="$(cd "$(dirname "$0")/.." && pwd)"
jar="$root/cli/target/converge.jar"
[ -f "$jar" ] || (cd "$root" && mvn -q -B -o -pl cli -am package -DskipTests)
ns_nc="nc-bench-nc-$$"
ns_sh="nc-bench-sh-$$"
work="$(mktemp -d)"
cleanup() { ip netns del "$ns_nc" 2>/dev/null || true; ip netns del "$ns_sh" 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
ip netns add "$ns_nc"
ip netns add "$ns_sh"

{
  printf 'apiVersion: netconverge/v1\nkind: HostState\niptables:\n'
  printf '  - table: mangle\n    chain: NC-BENCH\n    jumpFrom: PREROUTING\n    rules:\n'
  for i in $(seq 1 "$n"); do printf '      - "-s 10.%d.%d.0/24 -j MARK --set-mark %d"\n' $((i / 256)) $((i % 256)) "$i"; done
} > "$work/host.yaml"
{
  echo 'set -e'
  echo 'iptables -t mangle -N NC-BENCH 2>/dev/null || true'
  echo 'iptables -t mangle -C PREROUTING -j NC-BENCH 2>/dev/null || iptables -t mangle -I PREROUTING 1 -j NC-BENCH'
  for i in $(seq 1 "$n"); do
    r="-s 10.$((i / 256)).$((i % 256)).0/24 -j MARK --set-mark $i"
    echo "iptables -t mangle -C NC-BENCH $r 2>/dev/null || iptables -t mangle -A NC-BENCH $r"
  done
} > "$work/rules.sh"

ms() { local s e; s=$(date +%s%N); "$@" > /dev/null 2>&1 || true; e=$(date +%s%N); echo $(((e - s) / 1000000)); }

nc_first=$(ms java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$jar" apply --netns "$ns_nc" "$work/host.yaml")
sh_first=$(ms ip netns exec "$ns_sh" sh "$work/rules.sh")
nc_again=$(ms java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$jar" apply --netns "$ns_nc" "$work/host.yaml")
sh_again=$(ms ip netns exec "$ns_sh" sh "$work/rules.sh")
jvm=$(ms java -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -jar "$jar" --version)

rules_nc=$(ip netns exec "$ns_nc" iptables-save -t mangle | grep -c '^-A NC-BENCH')
rules_sh=$(ip netns exec "$ns_sh" iptables-save -t mangle | grep -c '^-A NC-BENCH')
echo "rules: netconverge $rules_nc, shell $rules_sh (of $n)"
printf '%-28s %8s %8s %8s\n' "" netconv shell "shell/nc"
printf '%-28s %6sms %6sms %8s\n' "first converge" "$nc_first" "$sh_first" "$(awk "BEGIN{printf \"%.1f\", $sh_first/$nc_first}")"
printf '%-28s %6sms %6sms %8s\n' "second (nothing to do)" "$nc_again" "$sh_again" "$(awk "BEGIN{printf \"%.1f\", $sh_again/$nc_again}")"
echo "(netconverge times include a JVM start of about ${jvm}ms)"
