#!/bin/sh
# run: env
# expect: contained
# owns: rp_filter
# owns: table 119
# owns: 10.1.0.0/16
# why: the issue: a missing flock read as "another converge holds the lock" (75)
# message: the program 'flock' is not installed there
# absent: another converge holds

# A /run of its own with the namespaces bound back in, $DIR/state.yaml, converge and fail.
. "$PREAMBLE"

mkdir "$DIR/bin"
for d in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
  [ -d "$d" ] || continue
  for t in "$d"/*; do n=${t##*/}; [ "$n" = flock ] || [ -e "$DIR/bin/$n" ] || ln -s "$t" "$DIR/bin/$n"; done
done
PATH="$DIR/bin" converge apply --netns "$NS" "$DIR/state.yaml" && fail "apply succeeded"; rc=$?
[ $rc = 1 ] || fail "exit $rc, not 1"
rm -rf "$DIR/bin"
echo checked
