# shellcheck shell=bash
# Sourced by cast.sh and forge.sh. `foundry_bin TOOL` prints where Foundry's TOOL (cast, forge,
# anvil) is: the binary of the npm package built for this machine,
# node_modules/@foundry-rs/TOOL-<os>-<arch>/bin/TOOL, one of linux-amd64, linux-arm64,
# darwin-amd64 and darwin-arm64 (npm installs only the one that matches; see package.json).
# On another platform it prints nothing and returns 1.
foundry_platform() {
  local os arch
  case "$(uname -s)" in
    Linux) os=linux ;;
    Darwin) os=darwin ;;
    *) return 1 ;;
  esac
  case "$(uname -m)" in
    x86_64 | amd64) arch=amd64 ;;
    aarch64 | arm64) arch=arm64 ;;
    *) return 1 ;;
  esac
  echo "$os-$arch"
}

foundry_bin() {
  local root platform
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
  platform="$(foundry_platform)" || return 1
  echo "$root/node_modules/@foundry-rs/$1-$platform/bin/$1"
}

# What to say when TOOL is missing: where it was looked for and how to get it.
foundry_missing() {
  local platform var
  var="$(echo "$1" | tr '[:lower:]' '[:upper:]')"
  if platform="$(foundry_platform)"; then
    echo "$1 not found at $2 (npm package @foundry-rs/$1-$platform: run ./scripts/setup clients), or set $var= to a $1 binary"
  else
    echo "Foundry has no npm package for this platform ($(uname -s) $(uname -m)); set $var= to a $1 binary"
  fi
}
