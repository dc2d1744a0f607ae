#!/usr/bin/env bash
# Installs what the build and the tests need on a fresh Debian machine (run as root). Packages
# already present are left alone, so a second run costs nothing.
set -euo pipefail

packages=(
  openjdk-17-jdk-headless maven   # the build
  iproute2 nftables iputils-arping ipv6toolkit tcpdump   # namespaces, partitions, ARP, NA (e2e)
  libnbd-bin python3-libnbd qemu-utils fio nbdkit   # real NBD clients and the un-replicated baseline
  prometheus   # promtool: the metrics lint and the alert rules' unit tests
  qemu-system-common nbd-client xfsprogs   # attach backends (qemu-storage-daemon, kernel nbd) and xfs
  e2fsprogs mount util-linux python3   # mkfs.ext4/e2fsck, losetup, runuser, the demo's clients
  postgresql   # the PostgreSQL scenario on the replicated filesystem (e2e)
)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

if [ ${#missing[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "install-deps: missing packages ${missing[*]}; run as root (or install them) first" >&2
  exit 1
fi
echo "install-deps: installing ${missing[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
