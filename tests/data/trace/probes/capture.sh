#!/usr/bin/env bash
# Regenerates the probe-listing captures from the real bpftrace 0.17 on this machine.
# cases.tsv: NAME<TAB>FLAG<TAB>PATTERN; NAME.txt is stdout of `bpftrace FLAG PATTERN` (stderr dropped).
# tracefs/ holds a copy of available_events and of the format files the -lv cases read, laid out as
# tracefs is, so the listing and parser tests run anywhere.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")"
bpftrace --version
while IFS=$'\t' read -r name flag pattern; do
  timeout 120 bpftrace "$flag" "$pattern" > "$name.txt" 2>/dev/null || true
done < cases.tsv
rm -rf tracefs
for tp in syscalls/sys_enter_openat syscalls/sys_enter_execve sched/sched_switch sched/sched_process_exec sched/sched_process_exit net/netif_receive_skb; do
  mkdir -p "tracefs/events/$tp"
  cp "/sys/kernel/tracing/events/$tp/format" "tracefs/events/$tp/format"
done
cp /sys/kernel/tracing/available_events tracefs/available_events
# the uprobe cases list /bin/bash's symbols: the tests compare only against this same binary
sha256sum /bin/bash | cut -d" " -f1 > bash.sha256
