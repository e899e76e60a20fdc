#!/usr/bin/env bash
# Installs the system tools tether's tool tests use: bubblewrap (the Linux sandbox), ripgrep
# (the fast grep backend), zsh (shell snapshot tests) and the others listed below. Only runs
# apt-get when one of them is missing, so it is cheap on machines that already have them all. Needs root (CI runners and our dev containers run as root);
# falls back to sudo when available.
set -euo pipefail

missing=()
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)
command -v rg >/dev/null 2>&1 || missing+=(ripgrep)
command -v tmux >/dev/null 2>&1 || missing+=(tmux)   # the TUI end-to-end test drives tether in tmux
command -v git >/dev/null 2>&1 || missing+=(git)     # git-hardening tests build hostile repositories
command -v setpriv >/dev/null 2>&1 || missing+=(util-linux)   # npm test's unprivileged sandbox pass
command -v zsh >/dev/null 2>&1 || missing+=(zsh)   # the shell snapshot's zsh tests ($SHELL = zsh)

if [ ${#missing[@]} -eq 0 ]; then
  echo "install-system-deps: bubblewrap, ripgrep, tmux, git, setpriv and zsh already installed"
  exit 0
fi

if ! command -v apt-get >/dev/null 2>&1; then
  echo "install-system-deps: apt-get not found; please install: ${missing[*]}" >&2
  exit 1
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "install-system-deps: not root and no sudo; please install: ${missing[*]}" >&2
    exit 1
  fi
fi

echo "install-system-deps: installing ${missing[*]}"
$SUDO apt-get update
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y "${missing[@]}"
