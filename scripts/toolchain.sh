# Puts the project's Node and pnpm first on PATH in this shell, for running pnpm commands by hand on a machine whose
# Node is older than the project needs. `npm test` and `npm run demo` do not need it.
#
#   source scripts/toolchain.sh
#
# Installs the Node and pnpm pinned in .ci/toolchain/ into the git-ignored .toolchain/ when missing (through
# scripts/run.mjs). Changes only PATH; never exits or alters options of the shell that sources it.
__sp_root="$(cd "$(dirname "${BASH_SOURCE[0]:-$0}")/.." && pwd)"
if __sp_bin="$(node "$__sp_root/scripts/run.mjs" toolchain)"; then
  case ":$PATH:" in
    *":$__sp_bin:"*) ;;
    *) export PATH="$__sp_bin:$PATH" ;;
  esac
  echo "node $(node --version), pnpm $(pnpm --version) (from $__sp_bin)"
else
  echo "scripts/toolchain.sh: could not install Node and pnpm into .toolchain/ (see above); PATH is unchanged." >&2
fi
unset __sp_root __sp_bin
