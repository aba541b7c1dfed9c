#!/bin/sh
# Captures the real tool output the unit tests parse (run as root from this folder; it makes
# and removes its own network namespace). Re-run after changing a scenario.
set -eu
ns=nc-capture-$$
ip netns add $ns
trap 'ip netns del $ns' EXIT
x="ip netns exec $ns"

# A host with foreign rules (fail2ban's jump and chain, a foreign mangle rule) and an owned chain
# whose rules were written in other spellings than the declaration in IptablesResourceTest.
$x iptables-nft-restore <<'RULES'
*filter
:f2b-sshd - [0:0]
-A INPUT -p tcp --dport 22 -j f2b-sshd
-A f2b-sshd -j RETURN
COMMIT
*mangle
:NC-MARK - [0:0]
:FOREIGN - [0:0]
-A PREROUTING -m comment --comment netconverge -j NC-MARK
-A PREROUTING -j FOREIGN
-A NC-MARK -j MARK --set-xmark 0xa/0xffffffff
-A NC-MARK -s 10.31.66.0/24 -j RETURN
-A NC-MARK -d 1.2.3.4/32 -j RETURN
COMMIT
RULES
$x iptables-nft-save > live-nft.stdout
$x ip6tables-nft-save > live6-nft.stdout

# The same host once something wrote to the legacy tables too: nft-save warns on stderr.
$x iptables-legacy -t raw -A PREROUTING -j RETURN
$x iptables-nft-save > live-nft-legacy-present.stdout 2> live-nft-legacy-present.stderr
$x iptables-legacy-save > live-legacy.stdout

# What the throw-away namespace prints for the declarations of IptablesResourceTest.
canon() { unshare -n sh -c '"$1" && exec "$2"' c iptables-nft-restore iptables-nft-save; }
canon > canonical-marks.stdout <<'RULES'
*mangle
:NC-MARK - [0:0]
:FOREIGN - [0:0]
-A NC-MARK -j MARK --set-mark 10
-A NC-MARK -s 10.31.66.9/24 -j RETURN
-A NC-MARK -d 1.2.3.4 -j RETURN
-A PREROUTING -m comment --comment netconverge -j NC-MARK
COMMIT
RULES
canon > canonical-mask.stdout <<'RULES'
*mangle
:NC-MARK - [0:0]
:FOREIGN - [0:0]
-A NC-MARK -j MARK --set-xmark 0xa/0xff
-A NC-MARK -s 10.31.66.9/24 -j RETURN
-A NC-MARK -d 1.2.3.4 -j RETURN
-A PREROUTING -m comment --comment netconverge -j NC-MARK
COMMIT
RULES
# A misspelt option (found while parsing) and a jump to a chain that does not exist (nft finds
# that only at COMMIT and names that line), with the input IptablesResourceTest expects.
bad() {
  printf '*mangle\n:NC-MARK - [0:0]\n:FOREIGN - [0:0]\n-A NC-MARK -j RETURN\n-A NC-MARK %s\n' "$1"
  printf -- '-A PREROUTING -m comment --comment netconverge -j NC-MARK\nCOMMIT\n'
}
bad '-j CONNMARK --set-mrak 3' | canon > /dev/null 2> rejected-option.stderr || true
bad '-j NOPE' | canon > /dev/null 2> rejected-at-commit.stderr || true
# Legacy finds the missing target while parsing, at the rule's own line.
bad '-j NOPE' | unshare -n sh -c '"$1" && exec "$2"' c iptables-legacy-restore iptables-legacy-save \
  > /dev/null 2> rejected-legacy.stderr || true

# A host whose rules are all in the legacy tables: nft-save prints no rule, only the warning.
$x nft flush ruleset
$x iptables-nft-save > only-legacy-nft.stdout 2> only-legacy-nft.stderr
$x iptables-legacy-save > only-legacy-legacy.stdout
