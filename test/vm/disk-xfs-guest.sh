#!/bin/bash
# Runs inside the VM (as root, on a kernel with XFS quotas), started by test/vm/disk-xfs.test.ts:
# makes the filesystems the disk/xfs tests need, then runs the guest tests with bun test, writing
# a JUnit report (and the logs) to OUT, a directory the host reads back.
#   $1 = OUT, then extra arguments for bun test (e.g. -t passive)
set -u
OUT=$1
shift
[ "$(id -u)" = 0 ] || { echo "disk-xfs-guest: must run as root (inside the VM)"; exit 2; }
mkdir -p "$OUT"
W=$(mktemp -d /tmp/disk-xfs.XXXXXX)
mount -t tmpfs -o size=1500m tmpfs "$W" || exit 10
mkdir -p "$W/plain" "$W/pq" "$W/noquota"
# XFS needs 300 MB at least; the images are sparse files on the tmpfs.
for fs in pq noquota; do
  truncate -s 320M "$W/$fs.img" && mkfs.xfs -q "$W/$fs.img" || exit 11
done
mount -o loop,prjquota "$W/pq.img" "$W/pq" || { echo "disk-xfs-guest: this kernel cannot mount XFS with prjquota"; exit 12; }
mount -o loop "$W/noquota.img" "$W/noquota" || exit 13
mkdir -p "$W/pq/tmp"
grep -E " $W/(pq|noquota) " /proc/self/mountinfo

# The binary is read over 9p from the host on every start otherwise (master, agent, each container's
# launch helper): one copy in RAM is much faster under emulation.
cp dist/mesos "$W/mesos" || exit 14
export MESOS_TEST_BINARY=$W/mesos
export XFS_PRJQUOTA_DIR=$W/pq XFS_NOQUOTA_DIR=$W/noquota NOT_XFS_DIR=$W/plain
# Every temp dir of the tests (work dirs, sandboxes) is on the prjquota filesystem.
export MESOS_TEST_TMP=$W/pq/tmp
BUN=$(pwd)/node_modules/.bin/bun
"$BUN" test --timeout=900000 --reporter=junit --reporter-outfile="$OUT/junit.xml" ./test/vm/disk-xfs.guest.ts "$@" 2>&1 | tee "$OUT/bun-test.log"
rc=${PIPESTATUS[0]}
umount "$W/pq" "$W/noquota" 2>/dev/null
exit "$rc"
