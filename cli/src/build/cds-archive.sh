#!/bin/sh
# Makes the class-data-sharing archive of converge.jar from a representative run, at build time:
#   cds-archive.sh JAR ARCHIVE CLASSLIST TRAINING_FILE
# ARCHIVE is a dynamic archive (-XX:ArchiveClassesAtExit) for this JDK, used by bin/converge;
# CLASSLIST (-XX:DumpLoadedClassList) goes into the Debian package, whose postinst dumps a static
# archive for the JRE installed there (an archive only works with the exact JVM that made it).
#
# The run is an apply of TRAINING_FILE (every module once) and then, in the same JVM, nothing
# else: inside a new user, network and mount namespace with its own /run and the interfaces the
# file names, so it touches nothing of this machine and needs no root. Where that is not allowed,
# the run is a `validate` of the file (fewer classes archived, same correctness).
# Any outcome of the training run is fine; only a missing archive fails the build.
set -eu
jar=$1 archive=$2 classlist=$3 training=$4
rm -f "$archive" "$classlist"
names=$(mktemp -d)
trap 'rm -rf "$names"' EXIT
java_opts="-XX:ArchiveClassesAtExit=$archive -XX:DumpLoadedClassList=$classlist -Dnetconverge.iproute2.dir=$names"
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
  exec java $0 -jar "$1" apply "$2"
'
unshare -rnm sh -c "$sandboxed" "$java_opts" "$jar" "$training" >"$archive.log" 2>&1 || true
if [ ! -s "$archive" ] || [ ! -s "$classlist" ]; then
  # No user namespaces here, or not allowed to make interfaces or mounts in one (containers,
  # AppArmor's restrictions): train on a validate of the same file instead.
  echo "cds: the sandboxed training run made no archive; the training run is a validate" >>"$archive.log"
  rm -f "$archive" "$classlist"
  # shellcheck disable=SC2086
  java $java_opts -jar "$jar" validate "$training" >>"$archive.log" 2>&1 || true
fi
if [ ! -s "$archive" ] || [ ! -s "$classlist" ]; then
  echo "cds-archive.sh: the training run made no archive; its output:" >&2
  cat "$archive.log" >&2
  exit 1
fi
