#!/bin/sh
# Guest /init for test/kmem/run.sh (busybox sh). Brings up the NUMA topology the
# boot was started for, prints it, runs the project's in-guest test with node and
# powers off. The last line the host looks for is "KMEMVM_RESULT=<status>".
export PATH=/usr/bin:/usr/sbin:/bin:/sbin HOME=/root
mount -t proc proc /proc
mount -t sysfs sysfs /sys
mount -t devtmpfs devtmpfs /dev
mount -t tmpfs tmpfs /run
mount -t tmpfs tmpfs /tmp
echo 1 > /proc/sys/kernel/sysrq
ip link set lo up 2>/dev/null   # the /metrics check talks HTTP over loopback

MODE=nvdimm ARGS=
for a in $(cat /proc/cmdline); do
    case "$a" in
    tiermem.mode=*) MODE=${a#tiermem.mode=} ;;
    tiermem.args=*) ARGS=$(echo "${a#tiermem.args=}" | tr '~' ' ') ;;
    esac
done
ts() { cut -d' ' -f1 /proc/uptime; }
log() { echo "[guest $(ts)s] $*"; }
run() { log "# $*"; "$@"; rc=$?; log "(exit $rc)"; return $rc; }
finish() {
    log "guest done, status $1"
    echo "KMEMVM_RESULT=$1 MODE=$MODE UPTIME=$(ts)"
    sync
    echo o > /proc/sysrq-trigger
    sleep 5; poweroff -f
}
fail() {
    log "SETUP FAILED: $*"
    echo "KMEMCHECK $MODE FAIL guest-setup $*"
    dmesg | grep -iE 'nfit|nvdimm|nd_|pmem|dax|kmem|memory|numa|hotplug' | tail -40
    finish 1
}

log "init, mode=$MODE, kernel $(uname -r)"
case "$MODE" in
nvdimm|smoke)
    for m in libnvdimm nfit nd_pmem dax_pmem device_dax kmem; do
        modprobe $m || log "modprobe $m failed"
    done
    # the nvdimm bus and region are probed asynchronously: wait up to 5 s
    i=0; while [ $i -lt 50 ] && ! ls /sys/bus/nd/devices/ 2>/dev/null | grep -q region; do sleep 0.1; i=$((i+1)); done
    # QEMU's label-size=128K label area is all zeroes: initialise it, then carve one
    # devdax namespace and hand it to the kmem driver as system RAM (ZONE_MOVABLE).
    run ndctl disable-region all >/dev/null
    run ndctl init-labels -f all || fail "ndctl init-labels"
    run ndctl enable-region all >/dev/null
    run ndctl create-namespace -r region0 -m devdax -a 2M || fail "ndctl create-namespace"
    DAX=$(ls /sys/bus/dax/devices/ | grep '^dax' | head -1)
    [ -n "$DAX" ] || fail "no dax device"
    run daxctl reconfigure-device --mode=system-ram "$DAX" -u || fail "daxctl reconfigure-device"
    log "dax device $DAX -> target_node $(cat /sys/bus/dax/devices/$DAX/target_node)"
    ;;
cpuless) ;;   # node 1 is plain CPU-less RAM from QEMU's -numa options
*) fail "unknown mode $MODE" ;;
esac

echo "---- numactl -H"
numactl -H
echo "----"
log "memory tiers: $(for t in /sys/devices/virtual/memory_tiering/memory_tier*; do [ -d "$t" ] && echo "$(basename "$t")=$(cat "$t/nodelist")"; done | tr '\n' ' ')"

cd /app || fail "no /app"
ST=0
case "$MODE" in
smoke)
    run node -e 'console.log("node", process.versions.node, process.arch)' || ST=1
    if [ -f /app/build/Release/tiermem.node ]; then
        run node -e 'require("/app/build/Release/tiermem.node"); console.log("addon loaded")' || ST=1
    fi
    [ $ST = 0 ] && echo "KMEMCHECK smoke PASS node-runs" || echo "KMEMCHECK smoke FAIL node-runs"
    ;;
nvdimm)
    run node test/kmem-guest.mjs nvdimm $ARGS || ST=1
    ;;
cpuless)
    # memkind reads MEMKIND_DAX_KMEM_NODES when a kind is first used: one process each
    run env MEMKIND_DAX_KMEM_NODES=1 node test/kmem-guest.mjs cpuless-env $ARGS || ST=1
    run node test/kmem-guest.mjs cpuless-node $ARGS || ST=1
    ;;
esac
finish $ST
