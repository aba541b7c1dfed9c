#!/usr/bin/env bash
# Fleet benchmark: converge HOSTS hosts with --forks 1, then with --forks HOSTS, and print the
# ratio. Each host is a network namespace running its own sshd, reached over a veth pair from
# this namespace with a private ssh configuration (nothing outside this machine is contacted).
# With `netns` as the first argument the hosts are reached with `ip netns exec` instead.
#
#   benchmarks/fleet.sh            # 20 hosts over ssh
#   benchmarks/fleet.sh netns      # 20 hosts as local network namespaces
#   HOSTS=10 RUNS=5 benchmarks/fleet.sh
#   LATENCY=0.1 benchmarks/fleet.sh  # each ssh command waits 0.1 s first, like a distant router
#
# Each run starts from the same state (every host needs 3 sysctl changes) and is an apply:
# lock, read, write, verify. Prints the median of RUNS runs per setting, and how busy the
# machine's cores were meanwhile: every "host" here runs on this machine's cores, so once they
# are all busy, more forks cannot help, where real remote hosts would each bring their own
# CPU and the client would mostly wait on round trips. Run as root.
set -euo pipefail
mode="${1:-ssh}"
hosts="${HOSTS:-20}"
runs="${RUNS:-3}"
# This kernel has no netem to delay packets; a remote command that waits before it runs stands
# in for a round trip to a distant host (it costs time, not CPU, as a real round trip does).
latency="${LATENCY:-0}"
root="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/.." && pwd)"
converge="$root/bin/converge"
work="$(mktemp -d /tmp/nc-fleet-bench.XXXXXX)"
id="$(od -An -N2 -tx1 /dev/urandom | tr -d ' \n')"
subnet=$((0x${id:0:2}))
ns_of() { echo "nc-bench-$id-$1"; }

cleanup() {
  set +e
  for i in $(seq 0 $((hosts - 1))); do
    ssh -F "$work/ssh_config" -O exit "h$i" >/dev/null 2>&1
  done
  for i in $(seq 0 $((hosts - 1))); do
    ns="$(ns_of "$i")"
    for pid in $(ip netns pids "$ns" 2>/dev/null); do kill -KILL "$pid" 2>/dev/null; done
    ip netns del "$ns" 2>/dev/null
  done
  rm -rf "$work"
}
trap cleanup EXIT

"$converge" --version >/dev/null # builds the jar first when needed, outside the timings
mkdir -p /run/sshd
ssh-keygen -q -t ed25519 -N "" -f "$work/client_key"
cp "$work/client_key.pub" "$work/authorized_keys"
: >"$work/known_hosts"
{
  echo "apiVersion: netconverge/v1"
  echo "kind: Inventory"
  echo "groups:"
  echo "  - name: bench"
  if [ "$mode" = ssh ]; then
    echo "    ssh: { configFile: $work/ssh_config, options: { ControlPath: \"$work/cm-%C\" } }"
  fi
  echo "    hostState:"
  echo "      sysctl:"
  echo "        net.ipv4.ip_forward: 1"
  echo "        net.ipv4.conf.all.rp_filter: 2"
  echo "        net.ipv4.ip_local_port_range: \"20000 40000\""
  echo "    hosts:"
} >"$work/fleet.yaml"

echo "setting up $hosts hosts ($mode) ..." >&2
for i in $(seq 0 $((hosts - 1))); do
  ns="$(ns_of "$i")"
  addr="10.251.$subnet.$((4 * i + 2))"
  ip netns add "$ns"
  ip link add "ncb$id$i" type veth peer name eth0 netns "$ns"
  ip addr add "10.251.$subnet.$((4 * i + 1))/30" dev "ncb$id$i"
  ip link set "ncb$id$i" up
  ip -n "$ns" link set lo up
  ip -n "$ns" addr add "$addr/30" dev eth0
  ip -n "$ns" link set eth0 up
  if [ "$mode" = ssh ]; then
    ssh-keygen -q -t ed25519 -N "" -f "$work/host_key_$i"
    echo "$addr $(cat "$work/host_key_$i.pub")" >>"$work/known_hosts"
    cat >"$work/sshd_config_$i" <<CONF
ListenAddress $addr:22
HostKey $work/host_key_$i
AuthorizedKeysFile $work/authorized_keys
PermitRootLogin prohibit-password
PasswordAuthentication no
UsePAM no
StrictModes no
PidFile none
LogLevel VERBOSE
# bash sources ~/.bashrc for ssh commands unless it is a nested shell; a heavy one (pyenv
# init, here) would be measured instead of netconverge.
SetEnv SHLVL=1
CONF
    if [ "$latency" != 0 ]; then
      # eval parses the command line exactly as the login shell would have without ForceCommand.
      echo "ForceCommand sleep $latency; eval \"\$SSH_ORIGINAL_COMMAND\"" >>"$work/sshd_config_$i"
    fi
    # In a subshell, so the daemons are not this shell's jobs (cleanup ends them by namespace).
    (ip netns exec "$ns" /usr/sbin/sshd -D -e -f "$work/sshd_config_$i" >"$work/sshd_$i.log" 2>&1 &)
    printf 'Host h%s\n  HostName %s\n' "$i" "$addr" >>"$work/ssh_config"
    echo "      - { name: h$i }" >>"$work/fleet.yaml"
  else
    echo "      - { name: h$i, netns: $ns }" >>"$work/fleet.yaml"
  fi
done
if [ "$mode" = ssh ]; then
  cat >>"$work/ssh_config" <<CONF
Host *
  User root
  IdentityFile $work/client_key
  IdentitiesOnly yes
  UserKnownHostsFile $work/known_hosts
  GlobalKnownHostsFile /dev/null
  StrictHostKeyChecking yes
  LogLevel ERROR
CONF
  for i in $(seq 0 $((hosts - 1))); do
    for _ in $(seq 50); do
      ip netns exec "$(ns_of "$i")" ss -Hltn | grep -q ":22 " && break
      sleep 0.1
    done
  done
fi

reset_hosts() {
  for i in $(seq 0 $((hosts - 1))); do
    ip netns exec "$(ns_of "$i")" sysctl -q -w net.ipv4.ip_forward=0 net.ipv4.conf.all.rp_filter=0 \
      "net.ipv4.ip_local_port_range=32768 60999"
  done
  if [ "$mode" = ssh ]; then
    # Every timed run pays for its own connections: no master left from the run before.
    for i in $(seq 0 $((hosts - 1))); do
      ssh -F "$work/ssh_config" -o ControlPath="$work/cm-%C" -O exit "h$i" >/dev/null 2>&1 || true
    done
  fi
}

busy_idle() { awk '/^cpu / { print $2 + $3 + $4 + $7 + $8 + $9, $5 + $6 }' /proc/stat; }

time_apply() { # forks -> seconds; notes how busy the machine's cores were meanwhile
  reset_hosts
  local start end b0 i0 b1 i1
  read -r b0 i0 < <(busy_idle)
  start=$(date +%s.%N)
  "$converge" apply --forks "$1" "$work/fleet.yaml" >"$work/out-$1.txt" 2>"$work/err-$1.txt" || {
    cat "$work/out-$1.txt" "$work/err-$1.txt" >&2
    exit 1
  }
  end=$(date +%s.%N)
  read -r b1 i1 < <(busy_idle)
  calc "100 * ($b1 - $b0) / ($b1 - $b0 + $i1 - $i0)" >>"$work/busy-$1.txt"
  echo >>"$work/busy-$1.txt"
  calc "$end - $start"
  echo
}

calc() { awk "BEGIN { printf \"%.3f\", $1 }"; }

median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

serial=$(for _ in $(seq "$runs"); do time_apply 1; done | median)
parallel=$(for _ in $(seq "$runs"); do time_apply "$hosts"; done | median)

printf 'fleet of %d hosts (%s%s), apply with 3 sysctl changes each, median of %d runs\n' "$hosts" "$mode" \
  "$([ "$latency" != 0 ] && [ "$mode" = ssh ] && echo ", $latency s added per ssh command")" "$runs"
cores=$(nproc)
printf '  --forks 1   %6.2f s   (cores busy: %s%% of %d)\n' "$serial" "$(median <"$work/busy-1.txt")" "$cores"
printf '  --forks %-3d %6.2f s   (cores busy: %s%% of %d)\n' "$hosts" "$parallel" "$(median <"$work/busy-$hosts.txt")" "$cores"
printf '  ratio       %6.2fx faster with --forks %d\n' "$(calc "$serial / $parallel")" "$hosts"
if [ "$mode" = ssh ]; then
  connections=$(cat "$work"/sshd_*.log | grep -c "Connection from" || true)
  sessions=$(cat "$work"/sshd_*.log | grep -c "Starting session" || true)
  total=$((runs * 2 * hosts))
  printf '  per host and apply: %s TCP connection(s), %s ssh commands (channels)\n' \
    "$(calc "$connections / $total")" "$(calc "$sessions / $total")"
  start=$(date +%s.%N)
  ssh -F "$work/ssh_config" -o ControlMaster=no -o ControlPath=none h0 true
  own=$(date +%s.%N)
  ssh -F "$work/ssh_config" -o ControlMaster=auto -o ControlPath="$work/cm-%C" -o ControlPersist=10s h0 true
  mid=$(date +%s.%N)
  ssh -F "$work/ssh_config" -o ControlMaster=auto -o ControlPath="$work/cm-%C" h0 true
  end=$(date +%s.%N)
  printf '  one ssh command: %.3f s with a connection of its own, %.3f s over the master\n' \
    "$(calc "$own - $start")" "$(calc "$end - $mid")"
fi
