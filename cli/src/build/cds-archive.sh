#!/bin/sh
# Makes the class-data-sharing archive of converge.jar from a representative run, at build time:
#   cds-archive.sh JAR ARCHIVE CLASSLIST TRAINING_FILE
# CLASSLIST (-XX:DumpLoadedClassList) holds the classes the training runs loaded; ARCHIVE is the
# static archive dumped from it (-Xshare:dump) for this JDK, used by bin/converge. The class list
# also goes into the Debian package, whose postinst dumps the same kind of archive for the JRE
# installed there (an archive only works with the exact JVM that made it).
# A static archive, not a dynamic one (-XX:ArchiveClassesAtExit): JDK 17 leaves classes of class
# file version 49 out of a dynamic archive, and picocli's are such (measured: half the classes
# the command loaded from the jar were picocli's; a no-op plan's CPU a tenth less with them in).
#
# The training runs are an apply of TRAINING_FILE (every module once), then a plan of it (the
# no-op plan), each in a JVM of its own: inside a new user, network and mount namespace with its
# own /run and the interfaces the file names, so they touch nothing of this machine and need no
# root. Where that is not allowed, the run is a `validate` of the file (fewer classes archived,
# same correctness).
# Any outcome of the training runs is fine; only a missing archive fails the build.
set -eu
jar=$1 archive=$2 classlist=$3 training=$4
rm -f "$archive" "$classlist" "$classlist".*
names=$(mktemp -d)
trap 'rm -rf "$names"' EXIT
java_opts="-Dnetconverge.iproute2.dir=$names"
sandboxed='
  set -e
  mount -t tmpfs netconverge-cds /run
  # Whatever the names folder setting, the /etc/iproute2 of this machine is not written.
  if [ -d /etc/iproute2 ]; then mount -t tmpfs netconverge-cds /etc/iproute2; fi
  for i in 0 1; do
    ip link add wan$i type veth peer name peer$i
    ip link set wan$i up
    ip link set peer$i up
  done
  ip addr add 198.51.100.2/24 dev wan0
  ip addr add 203.0.113.2/24 dev wan1
  java $0 -XX:DumpLoadedClassList="$3.apply" -jar "$1" apply "$2" || true
  java $0 -XX:DumpLoadedClassList="$3.plan" -jar "$1" plan "$2" || true
'
unshare -rnm sh -c "$sandboxed" "$java_opts" "$jar" "$training" "$classlist" >"$archive.log" 2>&1 || true
if [ -s "$classlist.apply" ] && [ -s "$classlist.plan" ]; then
  # One list: each line once (a line twice, such as a lambda's, crashes the dump of JDK 17).
  cat "$classlist.apply" "$classlist.plan" | awk '/^#/ || !seen[$0]++' >"$classlist"
else
  # No user namespaces here, or not allowed to make interfaces or mounts in one (containers,
  # AppArmor's restrictions): train on a validate of the same file instead.
  echo "cds: the sandboxed training runs made no class list; the training run is a validate" >>"$archive.log"
  # shellcheck disable=SC2086
  java $java_opts -XX:DumpLoadedClassList="$classlist" -jar "$jar" validate "$training" >>"$archive.log" 2>&1 || true
fi
rm -f "$classlist".*
if [ -s "$classlist" ]; then
  java -Xshare:dump -XX:SharedClassListFile="$classlist" -XX:SharedArchiveFile="$archive" \
    -cp "$jar" >>"$archive.log" 2>&1 || true
fi
if [ ! -s "$archive" ] || [ ! -s "$classlist" ]; then
  echo "cds-archive.sh: the training run made no archive; its output:" >&2
  cat "$archive.log" >&2
  exit 1
fi
