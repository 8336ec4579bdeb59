#!/usr/bin/env bash
# Benchmark: `check` on generated estates of 1,000, 10,000 and 100,000 replicated
# items, and `check --live` of a 1,000-item vault from the fake ARM.
# Prints wall time (best and median of N runs), CPU time (user+sys, median)
# and peak memory for each size, and both per item (fixed cost included, so
# that growth from size to size shows whether they are linear): the machine
# is noisy, CPU time less so.
# Usage: bench/run.sh [runs=5] [sizes="1000 10000 100000"]
set -euo pipefail
cd "$(dirname "$0")/.."
runs=${1:-5}
sizes=${2:-"1000 10000 100000"}
cargo build --release --quiet --bin asr-preflight --bin gen-estate
command -v /usr/bin/time >/dev/null || { echo "bench needs GNU time (apt-get install time)"; exit 2; }
printf '%-8s %-8s %-10s %-10s %-10s %-10s %-12s %-10s %s\n' items json best_s median_s cpu_s peak_mb cpu_us/item kb/item findings
for n in $sizes; do
  dir=target/bench/$n
  [ -f "$dir/manifest.json" ] || ./target/release/gen-estate --items "$n" --out "$dir" 2>/dev/null
  size=$(du -sm "$dir" | cut -f1)
  walls=(); cpus=(); peak=0
  for _ in $(seq "$runs"); do
    out=$( { /usr/bin/time -f '%e %U %S %M' ./target/release/asr-preflight check --from "$dir" \
      --now 2026-11-22T12:00:00Z --format json -o target/bench/report-$n.json --fail-on never; } 2>&1 | tail -1)
    read -r wall user sys kb <<<"$out"
    walls+=("$wall"); cpus+=("$(awk -v u="$user" -v s="$sys" 'BEGIN { print u + s }')"); [ "$kb" -gt "$peak" ] && peak=$kb
  done
  sorted=$(printf '%s\n' "${walls[@]}" | sort -n)
  best=$(echo "$sorted" | head -1); median=$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")
  cpu=$(printf '%s\n' "${cpus[@]}" | sort -n | sed -n "$(( (runs + 1) / 2 ))p")
  findings=$(grep -c '"code":' target/bench/report-$n.json || true)
  # Per item: CPU time (median) and peak memory, fixed cost included.
  per_cpu=$(awk -v c="$cpu" -v n="$n" 'BEGIN { printf "%.0f", c * 1e6 / n }')
  per_kb=$(awk -v k="$peak" -v n="$n" 'BEGIN { printf "%.1f", k / n }')
  printf '%-8s %-8s %-10s %-10s %-10s %-10s %-12s %-10s %s\n' "$n" "${size}MB" "$best" "$median" "$cpu" "$((peak / 1024))" "$per_cpu" "$per_kb" "$findings"
done

# Certificates: 1,000 VMs whose trusted root stores hold 150 certificates each,
# checked for reprotect (every store is read and assessed).
bundle=/etc/ssl/certs/ca-certificates.crt
if [ -f "$bundle" ]; then
  dir=target/bench/certs1000
  [ -d "$dir/certs" ] || ./target/release/gen-estate --items 1000 --cert-stores 1000 --ca-bundle "$bundle" --out "$dir" 2>/dev/null
  walls=(); peak=0
  for _ in $(seq "$runs"); do
    out=$( { /usr/bin/time -f '%e %M' ./target/release/asr-preflight check --from "$dir" --operation reprotect \
      --now 2026-11-22T12:00:00Z --format json -o target/bench/report-certs.json --fail-on never; } 2>&1 | tail -1)
    walls+=("${out% *}"); kb=${out#* }; [ "$kb" -gt "$peak" ] && peak=$kb
  done
  sorted=$(printf '%s\n' "${walls[@]}" | sort -n)
  printf '%-8s %-8s %-10s %-10s %-10s %s\n' "1000x150" "$(du -sm "$dir/certs" | cut -f1)MB" \
    "$(echo "$sorted" | head -1)" "$(echo "$sorted" | sed -n "$(( (runs + 1) / 2 ))p")" "$((peak / 1024))" "certificates"
fi

# Live: collect + check of a 1,000-item vault from the fake ARM with 50 ms per
# request (100 results per page), beside the per-item script's request count.
cargo bench --quiet --bench live -- 1000 50 100 "$runs"
