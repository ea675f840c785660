#!/bin/bash
# test/kmem/run.sh - tiermem's KMEM-DAX integration test in a small QEMU guest.
#
# Boots a Debian 12 kernel + busybox initramfs under QEMU in which emulated
# persistent memory is a real KMEM-DAX, CPU-less NUMA node 1 (ACPI NVDIMM ->
# ndctl devdax namespace -> daxctl system-ram), and runs test/kmem/guest/
# kmem-guest.mjs there with the host's node binary, the project's built addon
# (build/Release/tiermem.node), its compiled JS (dist/) and its production
# node_modules. Adapted from the kmemvm reference; needs nothing outside the repo
# at run time except host tools (qemu-system-x86, apt-get, dpkg-deb, cpio, kmod).
#
# Boots (SCENARIOS, run in order; default "nvdimm cpuless"):
#   nvdimm  : NVDIMM on node 1 -> KMEM-DAX node; pmem 'auto' detection, placement,
#             controller, spill/strict, /metrics (one node process)
#   cpuless : plain CPU-less RAM node 1; MEMKIND_DAX_KMEM_NODES=1, then pmem 'node:1'
#   smoke   : nvdimm machine, only `node -e` and the addon's load (infrastructure check)
#
# Caching (test/kmem/cache/, gitignored): the guest .debs, the extracted kernel,
# and the "base" initramfs (busybox, ndctl/daxctl/numactl, libs, kernel
# modules, node) are reused while their inputs are unchanged; only the small "app"
# layer (addon, dist/, node_modules, guest scripts) is rebuilt every run and
# appended to the base (the kernel unpacks concatenated cpio archives in order).
# Both stay uncompressed: under TCG, gunzipping ~100 MB in the guest costs ~4 s
# a boot, while QEMU loads an uncompressed initrd at host memcpy speed.
#
# Output: the guest consoles go to stdout and to $OUT/console-<scenario>.log; the
# guest prints one "KMEMCHECK <scenario> PASS|FAIL <name> <detail>" line per check.
# Exit status: 0 when every boot reported KMEMVM_RESULT=0; otherwise 1 (a check
# failed), 2 (setup failed: host tools, downloads, build) or 99 (a guest gave no
# result line: crash or timeout).
#
# Env knobs: SCENARIOS, CACHE (default test/kmem/cache), ACCEL (auto|kvm|tcg),
#   SMP (2), QEMU_TIMEOUT (per boot, 360 s), RAM_MB (node 0, 1024), NVDIMM_MB (768,
#   a multiple of 128), NODE1_MB (cpuless node 1, 512), GUEST_ARGS (extra
#   args for the guest test, e.g. "--only=placement"), EXTRA_APPEND (kernel cmdline),
#   REFRESH=1 (ignore the cache: re-download and rebuild everything).
set -euo pipefail

HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
CACHE=${CACHE:-$HERE/cache}
SCENARIOS=${SCENARIOS:-"nvdimm cpuless"}
ACCEL=${ACCEL:-auto}
SMP=${SMP:-2}
QEMU_TIMEOUT=${QEMU_TIMEOUT:-360}
# Guest memory is kept small on purpose: under TCG the kernel's page init and the kmem
# hot-plug of the NVDIMM cost time in proportion to it. The test uses about 250 MB of
# node 1 (memkind keeps freed pages) and 250 MB of node 0 besides the initramfs.
RAM_MB=${RAM_MB:-1024}
NVDIMM_MB=${NVDIMM_MB:-768}
NODE1_MB=${NODE1_MB:-512}
GUEST_ARGS=${GUEST_ARGS:-}
REFRESH=${REFRESH:-0}
NODE_BIN=${NODE_BIN:-$(command -v node || true)}
export DEBIAN_FRONTEND=noninteractive LC_ALL=C
# Bump when the base layer's recipe changes, so cached bases are rebuilt.
BASE_RECIPE=3

T_START=$(date +%s.%N)
declare -a TIMES=()
phase_t0=0
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}'; }
phase() { phase_t0=$(date +%s.%N); echo "==== [kmem $(date +%T)] $*"; }
phase_end() { TIMES+=("$(printf '%-30s %7s s' "$1" "$(elapsed "$phase_t0")")"); }
die() { echo "KMEM SETUP ERROR: $*" >&2; exit 2; }

# ---------------------------------------------------------------- host checks
for t in qemu-system-x86_64 apt-get apt-cache dpkg-deb cpio xz readelf strip depmod modinfo; do
    command -v "$t" >/dev/null || die "host tool '$t' missing (apt-get install qemu-system-x86 cpio xz-utils binutils kmod)"
done
[ -n "$NODE_BIN" ] && [ -x "$NODE_BIN" ] || die "no node binary on the host"
NODE_BIN=$(readlink -f "$NODE_BIN")
ADDON=$ROOT/build/Release/tiermem.node
case " $SCENARIOS " in
*" nvdimm "*|*" cpuless "*)
    [ -f "$ADDON" ] || die "$ADDON missing: run npm run build:native"
    [ -f "$ROOT/dist/allocator.js" ] || die "$ROOT/dist/allocator.js missing: run npx tsc -p tsconfig.json" ;;
esac

mkdir -p "$CACHE"
# One run at a time per cache: the base and the debs are rebuilt in place.
exec 9>"$CACHE/.lock"
if command -v flock >/dev/null; then
    flock -w 600 9 || die "cache $CACHE is locked by another run"
fi
OUT=${OUT:-$CACHE/out}
rm -rf "$OUT"; mkdir -p "$OUT"
[ "$REFRESH" = 1 ] && rm -rf "$CACHE/debs" "$CACHE/kernel" "$CACHE"/base-*.cpio* "$CACHE/base" "$CACHE/pkgroot"

# ---------------------------------------------------------------- downloads
# The package list is resolved once and stored with the .debs; a complete
# download is marked by debs/.complete so an interrupted one is redone.
phase "guest packages"
DEBS=$CACHE/debs
if [ ! -f "$DEBS/.complete" ]; then
    rm -rf "$DEBS"; mkdir -p "$DEBS"
    chmod 777 "$DEBS"   # apt-get download drops to the _apt user when it can
    KPKG=$(apt-cache depends linux-image-amd64 | sed -n 's/^ *Depends: \(linux-image-[0-9].*-amd64\)$/\1/p' | head -1)
    [ -n "$KPKG" ] || die "cannot resolve linux-image-amd64 (apt-get update needed?)"
    # libstdc++6: node; libmemkind0 + libnuma1: the addon; the rest: the guest's tools
    ROOTS="busybox-static ndctl daxctl numactl libmemkind0 libnuma1 libstdc++6"
    PKGS=$(apt-cache depends --recurse --no-recommends --no-suggests --no-conflicts \
        --no-breaks --no-replaces --no-enhances --no-pre-depends $ROOTS 2>/dev/null |
        grep -v '^[ <]' | sort -u | tr '\n' ' ')
    echo "kernel $KPKG; packages: $PKGS"
    ( cd "$DEBS" && apt-get download "$KPKG" $PKGS 2>&1 | grep -v unsandboxed | tail -2 ) ||
        die "apt-get download failed"
    ls "$DEBS"/linux-image-*.deb >/dev/null 2>&1 || die "kernel .deb not downloaded"
    for p in $PKGS; do ls "$DEBS/${p}_"*.deb >/dev/null 2>&1 || die "package $p not downloaded"; done
    echo "$KPKG $PKGS" > "$DEBS/.complete"
else
    echo "cached: $(ls "$DEBS"/*.deb | wc -l) .debs ($(du -sh "$DEBS" | cut -f1))"
fi
phase_end "guest packages"

# ---------------------------------------------------------------- kernel
phase "kernel"
KDIR=$CACHE/kernel
if [ ! -f "$KDIR/.complete" ]; then
    rm -rf "$KDIR"; mkdir -p "$KDIR/root"
    # only the image and the nvdimm/dax/nfit modules out of the 70 MB package
    dpkg-deb --fsys-tarfile "$DEBS"/linux-image-*.deb | tar -x -C "$KDIR/root" --wildcards \
        './boot/vmlinuz-*' './lib/modules/*/modules.builtin*' \
        './lib/modules/*/kernel/drivers/nvdimm/*' './lib/modules/*/kernel/drivers/dax/*' \
        './lib/modules/*/kernel/drivers/acpi/nfit/*'
    KVER=$(ls "$KDIR/root/lib/modules" | head -1)
    # Under TCG the guest's own XZ decompression of the bzImage costs ~3 s; the
    # Debian kernel has CONFIG_PVH=y, so QEMU can boot the plain ELF vmlinux.
    VMLINUZ=$KDIR/root/boot/vmlinuz-$KVER
    off=$(grep -abo -m1 $'\xfd7zXZ\x00' "$VMLINUZ" | head -1 | cut -d: -f1 || true)
    [ -n "$off" ] && { tail -c +$((off+1)) "$VMLINUZ" | xz -dc > "$KDIR/vmlinux" 2>/dev/null || true; }
    if [ -s "$KDIR/vmlinux" ] && readelf -n "$KDIR/vmlinux" 2>/dev/null | grep -q 'note type: (0x00000012)'; then
        echo "vmlinux"  > "$KDIR/format"   # XEN_ELFNOTE_PHYS32_ENTRY present: PVH boot
    else
        rm -f "$KDIR/vmlinux"; echo "bzimage" > "$KDIR/format"
    fi
    echo "$KVER" > "$KDIR/.complete"
fi
KVER=$(cat "$KDIR/.complete")
if [ "$(cat "$KDIR/format")" = vmlinux ]; then KERNEL=$KDIR/vmlinux; else KERNEL=$KDIR/root/boot/vmlinuz-$KVER; fi
echo "kernel $KVER ($(basename "$KERNEL"))"
phase_end "kernel"

# ---------------------------------------------------------------- base initramfs
# Copy the shared libraries an ELF file needs (DT_NEEDED, recursively) from the
# extracted Debian packages into $1/lib/x86_64-linux-gnu; libs listed in $2 (a
# file, may be empty) are already there. Falls back to the host with a warning.
copy_libs() {
    local ird=$1 have=$2; shift 2
    local -a queue=("$@")
    local f lib src d
    declare -A seen=()
    if [ -f "$have" ]; then while read -r lib; do seen[$lib]=1; done < "$have"; fi
    while [ ${#queue[@]} -gt 0 ]; do
        f=${queue[0]}; queue=("${queue[@]:1}")
        for lib in $(readelf -d "$f" | sed -n 's/.*Shared library: \[\(.*\)\]/\1/p'); do
            [ -n "${seen[$lib]:-}" ] && continue
            seen[$lib]=1
            src=""
            for d in "$PKGROOT/lib/x86_64-linux-gnu" "$PKGROOT/usr/lib/x86_64-linux-gnu"; do
                [ -e "$d/$lib" ] && { src="$d/$lib"; break; }
            done
            if [ -z "$src" ]; then
                src=$(ldconfig -p | awk -v l="$lib" '$1==l && /x86-64/ && !f {print $NF; f=1}' || true)
                [ -n "$src" ] || die "library $lib (needed by $f) not found"
                echo "  note: $lib taken from the host ($src)"
            fi
            mkdir -p "$ird/lib/x86_64-linux-gnu"
            cp -L "$src" "$ird/lib/x86_64-linux-gnu/$lib"
            echo "$lib" >> "$ird/.libs"
            queue+=("$ird/lib/x86_64-linux-gnu/$lib")
        done
    done
}

phase "base initramfs"
PKGROOT=$CACHE/pkgroot
BASE_KEY=$( { echo "recipe $BASE_RECIPE"; cat "$DEBS/.complete" "$KDIR/.complete";
              stat -c '%n %s %Y' "$NODE_BIN"; } | sha256sum | cut -c1-16)
BASE=$CACHE/base-$BASE_KEY.cpio
if [ ! -f "$BASE" ]; then
    rm -f "$CACHE"/base-*.cpio*
    rm -rf "$PKGROOT"; mkdir -p "$PKGROOT"
    for d in "$DEBS"/*.deb; do
        case "$d" in *linux-image*) continue ;; esac
        dpkg -x "$d" "$PKGROOT"
    done
    IRD=$CACHE/base
    rm -rf "$IRD"
    mkdir -p "$IRD"/{bin,sbin,etc,proc,sys,dev,run,tmp,root,app,lib/x86_64-linux-gnu,lib64,usr/bin,usr/sbin}
    ln -s ../lib "$IRD/usr/lib"
    ln -s /lib/x86_64-linux-gnu/ld-linux-x86-64.so.2 "$IRD/lib64/ld-linux-x86-64.so.2"
    cp -L "$PKGROOT/lib/x86_64-linux-gnu/ld-linux-x86-64.so.2" "$IRD/lib/x86_64-linux-gnu/"
    : > "$IRD/.libs"
    cp "$PKGROOT/bin/busybox" "$IRD/bin/busybox"
    for a in $("$PKGROOT/bin/busybox" --list-full); do
        [ -e "$IRD/$a" ] || [ -L "$IRD/$a" ] || ln -s /bin/busybox "$IRD/$a"
    done
    for b in ndctl daxctl numactl numastat; do
        rm -f "$IRD/usr/bin/$b"; cp "$PKGROOT/usr/bin/$b" "$IRD/usr/bin/$b"
    done
    rm -f "$IRD/usr/bin/node"
    strip --strip-all -o "$IRD/usr/bin/node" "$NODE_BIN"
    # libmemkind/libnuma go into the base too: the addon needs them and they rarely change
    copy_libs "$IRD" "" "$IRD/usr/bin/ndctl" "$IRD/usr/bin/daxctl" "$IRD/usr/bin/numactl" \
        "$IRD/usr/bin/numastat" "$IRD/usr/bin/node" \
        "$PKGROOT/usr/lib/x86_64-linux-gnu/libmemkind.so.0" "$PKGROOT/usr/lib/x86_64-linux-gnu/libnuma.so.1"
    for lib in libmemkind.so.0 libnuma.so.1; do
        grep -qx "$lib" "$IRD/.libs" || { cp -L "$PKGROOT/usr/lib/x86_64-linux-gnu/$lib" "$IRD/lib/x86_64-linux-gnu/"; echo "$lib" >> "$IRD/.libs"; }
    done
    # kernel modules, with depmod so that busybox modprobe resolves dependencies
    MODS="acpi/nfit/nfit.ko nvdimm/libnvdimm.ko nvdimm/nd_pmem.ko nvdimm/nd_btt.ko
          dax/device_dax.ko dax/kmem.ko dax/dax_pmem.ko"
    for m in $MODS; do
        src=$(ls "$KDIR/root/lib/modules/$KVER/kernel/drivers/$m"* 2>/dev/null | head -1)
        [ -n "$src" ] || die "kernel module $m not found"
        mkdir -p "$IRD/lib/modules/$KVER/kernel/drivers/$(dirname "$m")"
        cp "$src" "$IRD/lib/modules/$KVER/kernel/drivers/$(dirname "$m")/"
    done
    cp "$KDIR/root/lib/modules/$KVER"/modules.builtin* "$IRD/lib/modules/$KVER/"
    (cd "$IRD/lib/modules/$KVER" && find kernel -name '*.ko*' | sort) > "$IRD/lib/modules/$KVER/modules.order"
    depmod -b "$IRD" "$KVER"
    for m in $(cd "$IRD/lib/modules/$KVER" && find kernel -name '*.ko*'); do
        for dep in $(modinfo -F depends "$IRD/lib/modules/$KVER/$m" | tr ',' ' '); do
            [ -n "$(find "$IRD/lib/modules/$KVER" -name "$dep.ko*")" ] || die "module dependency $dep of $m missing"
        done
    done
    echo "root:x:0:0:root:/root:/bin/sh" > "$IRD/etc/passwd"
    echo "root:x:0:" > "$IRD/etc/group"
    ( cd "$IRD" && find . ! -name .libs -print0 | sort -z |
      cpio --null -o -H newc --reproducible 2>/dev/null ) > "$BASE.tmp"
    { echo ld-linux-x86-64.so.2; cat "$IRD/.libs"; } > "$BASE.libs"
    touch "$PKGROOT/.extracted"
    mv "$BASE.tmp" "$BASE"
    echo "built $(basename "$BASE"): $(du -sh "$IRD" | cut -f1) unpacked"
    rm -rf "$IRD"   # the cpio is what is cached
else
    echo "cached $(basename "$BASE") ($(stat -c %s "$BASE") bytes)"
fi
phase_end "base initramfs"

# ---------------------------------------------------------------- app layer
# Rebuilt every run (a second or two): the addon, dist/, production
# node_modules, the guest scripts, and libraries the addon needs beyond the base.
phase "app layer"
APP=$OUT/app-root
rm -rf "$APP"; mkdir -p "$APP/app/build/Release" "$APP/app/test"
cp "$HERE/guest/init.sh" "$APP/init"; chmod +x "$APP/init"
cp "$HERE"/guest/*.mjs "$APP/app/test/"
cp "$ROOT/package.json" "$APP/app/"   # "type": "module" for dist/*.js
[ -d "$ROOT/dist" ] && cp -r "$ROOT/dist" "$APP/app/dist"
find "$APP/app/dist" -name '*.map' -delete 2>/dev/null || true
if [ -f "$ADDON" ]; then
    cp "$ADDON" "$APP/app/build/Release/"
    if [ ! -f "$PKGROOT/.extracted" ]; then
        # pkgroot was removed from the cache: extract again to resolve the addon's libs
        rm -rf "$PKGROOT"; mkdir -p "$PKGROOT"
        for d in "$DEBS"/*.deb; do case "$d" in *linux-image*) continue ;; esac; dpkg -x "$d" "$PKGROOT"; done
        touch "$PKGROOT/.extracted"
    fi
    # libraries already in the base (from the base's cpio listing, cached next to it)
    [ -f "$BASE.libs" ] || cpio -it --quiet < "$BASE" 2>/dev/null |
        sed -n 's|^\./lib/x86_64-linux-gnu/||p' > "$BASE.libs"
    copy_libs "$APP" "$BASE.libs" "$APP/app/build/Release/tiermem.node"
    rm -f "$APP/.libs"
fi
# Production dependencies only: the closure of package.json's "dependencies" under node
# resolution (npm ls is not used: it lists dev packages too when node_modules is a symlink).
PROD_DEPS=$(cd "$ROOT" && node --input-type=module -e '
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, relative } from "node:path";
const root = process.cwd();
const found = new Set();
const deps = (dir) => {
  const pj = JSON.parse(readFileSync(join(dir, "package.json"), "utf8"));
  return [...Object.keys(pj.dependencies ?? {}), ...Object.keys(pj.optionalDependencies ?? {}),
          ...Object.keys(pj.peerDependencies ?? {})];
};
const resolve = (name, from) => {
  for (let d = from; ; d = dirname(d)) {
    const p = join(d, "node_modules", name);
    if (existsSync(join(p, "package.json"))) return p;
    if (d === root || dirname(d) === d) return null;
  }
};
const visit = (dir) => {
  for (const name of deps(dir)) {
    const p = resolve(name, dir);
    if (p === null || found.has(p)) continue;   // optional or peer dependency not installed
    found.add(p);
    visit(p);
  }
};
visit(root);
console.log([...found].map((p) => relative(root, p)).sort().join("\n"));
') || die "cannot resolve the production node_modules"
for rel in $PROD_DEPS; do
    [ -d "$APP/app/$rel" ] && continue
    mkdir -p "$APP/app/$(dirname "$rel")"
    cp -r "$ROOT/$rel" "$APP/app/$rel"
done
echo "node_modules: $(echo $PROD_DEPS | sed 's|node_modules/||g')"
find "$APP/app/node_modules" \( -name '*.md' -o -name '*.map' -o -name '*.d.ts' \) -delete 2>/dev/null || true
APPCPIO=$OUT/app.cpio
( cd "$APP" && find . -print0 | sort -z | cpio --null -o -H newc --reproducible 2>/dev/null ) > "$APPCPIO"
INITRD=$OUT/initramfs.cpio
cat "$BASE" "$APPCPIO" > "$INITRD"
echo "app layer: $(stat -c %s "$APPCPIO") bytes"
phase_end "app layer"

# ---------------------------------------------------------------- QEMU
if [ "$ACCEL" = auto ]; then
    # /dev/kvm alone is not enough: without VT-x/AMD-V exposed, stock kernels hang under KVM.
    if [ -w /dev/kvm ] && grep -qwE 'vmx|svm' /proc/cpuinfo; then ACCEL=kvm; else ACCEL=tcg; fi
fi
if [ "$ACCEL" = kvm ]; then ACCEL_OPTS=(-accel kvm -cpu host); else ACCEL_OPTS=(-accel tcg,thread=multi -cpu max); fi

KAPPEND="console=ttyS0 loglevel=4 panic=-1 oops=panic nokaslr ${EXTRA_APPEND:-}"
VMTMP=$(mktemp -d "${TMPDIR:-/tmp}/tiermem-kmem.XXXXXX")
trap 'rm -rf "$VMTMP"' EXIT
overall=0
declare -a RESULTS=()
for sc in $SCENARIOS; do
    phase "boot $sc"
    Q=(qemu-system-x86_64 "${ACCEL_OPTS[@]}" -smp "$SMP" -no-reboot
       -nodefaults -no-user-config -display none -serial stdio -monitor none
       -kernel "$KERNEL" -initrd "$INITRD")
    case "$sc" in
    nvdimm|smoke)
        # The backing file is NVDIMM_MB + 128 KiB: QEMU keeps the label area at its
        # end, so the guest-visible pmem stays 128 MiB-block aligned.
        nvsz=$((NVDIMM_MB * 1024 * 1024 + 128 * 1024))
        rm -f "$VMTMP/nvdimm.img"; truncate -s $nvsz "$VMTMP/nvdimm.img"
        Q+=(-machine pc,nvdimm=on -m ${RAM_MB}M,slots=4,maxmem=$((RAM_MB + NVDIMM_MB + 1024))M
            -object memory-backend-ram,id=ram0,size=${RAM_MB}M
            -numa node,nodeid=0,cpus=0-$((SMP-1)),memdev=ram0
            -numa node,nodeid=1
            -object memory-backend-file,id=nv1,share=on,mem-path=$VMTMP/nvdimm.img,size=$nvsz
            -device nvdimm,id=nvdimm1,memdev=nv1,label-size=128K,node=1) ;;
    cpuless)
        Q+=(-machine pc -m $((RAM_MB + NODE1_MB))M
            -object memory-backend-ram,id=ram0,size=${RAM_MB}M
            -object memory-backend-ram,id=ram1,size=${NODE1_MB}M
            -numa node,nodeid=0,cpus=0-$((SMP-1)),memdev=ram0
            -numa node,nodeid=1,memdev=ram1) ;;
    *) die "unknown scenario $sc" ;;
    esac
    # guest arguments travel on the kernel command line as one word (spaces as ~)
    Q+=(-append "$KAPPEND tiermem.mode=$sc tiermem.args=$(echo "$GUEST_ARGS" | tr ' ' '~')")
    echo "${Q[*]}" > "$OUT/qemu-$sc.cmd"
    t0=$(date +%s.%N)
    set +e
    timeout "$QEMU_TIMEOUT" "${Q[@]}" </dev/null 2>&1 | tr -d '\r' | tee "$OUT/console-$sc.log"
    qrc=${PIPESTATUS[0]}
    set -e
    rm -f "$VMTMP/nvdimm.img"
    res=$(sed -n 's/^KMEMVM_RESULT=\([0-9]*\).*/\1/p' "$OUT/console-$sc.log" | tail -1)
    [ -n "$res" ] || { res=99; echo "no KMEMVM_RESULT line from the guest (qemu exit $qrc; 124 = timeout after ${QEMU_TIMEOUT}s)"; }
    [ "$res" = 0 ] || [ "$overall" != 0 ] || overall=$res
    phase_end "boot $sc"
    RESULTS+=("$(printf '%-8s guest_status=%-3s qemu_rc=%-3s wall=%6ss' "$sc" "$res" "$qrc" "$(elapsed "$t0")")")
done

echo
echo "==== kmem summary (accel=$ACCEL, initramfs $(stat -c %s "$INITRD") bytes)"
printf '%s\n' "${TIMES[@]}"
printf '%s\n' "${RESULTS[@]}"
grep -h '^KMEMCHECK ' "$OUT"/console-*.log | awk '{n[$3]++} END {printf "checks: %d PASS, %d FAIL\n", n["PASS"], n["FAIL"]}'
printf 'total %s s\n' "$(elapsed "$T_START")"
exit "$overall"
