# Sourced by Tests/systemd/run: a Debian 12 (bookworm) minbase tree with systemd, cached
# outside the repository, booted under systemd-nspawn on a fresh overlay for each suite.

# What the tree holds: systemd and dbus to boot, procps (/bin/kill, which the unit's
# ExecReload runs; on every standard Debian install) and the libraries the binaries need
# at run time (ALSA, libsndfile, LAME, SQLite; the C++ runtime comes with minbase's apt).
TREE_PACKAGES="systemd,dbus,procps,libasound2,libsndfile1,libmp3lame0,libsqlite3-0,libcurl4"
TREE_SUITE=bookworm
# The cache key covers everything that makes the tree: change the recipe, get a new tree.
TREE_RECIPE="debootstrap --variant=minbase --include=$TREE_PACKAGES $TREE_SUITE; apt-get clean"
CACHE_DIR="${TAPEDECK_TEST_CACHE:-/var/cache/tapedeck-test}"
TREE="$CACHE_DIR/$TREE_SUITE-$(printf '%s' "$TREE_RECIPE" | sha256sum | cut -c1-12)"

now() { date +%s.%N; }

# The Debian mirror apt on this machine uses for SUITE (deb822 .sources or one-line .list).
debian_mirror() {
    local suite="$1" f
    for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list /etc/apt/sources.list.d/*.sources; do
        [ -f "$f" ] || continue
        case "$f" in
            *.sources)
                awk -v suite="$suite" 'BEGIN { RS = ""; FS = "\n" }
                    { types = ""; uris = ""; suites = ""; enabled = "yes"
                      for (i = 1; i <= NF; i++) {
                          line = $i; if (line ~ /^[ \t]*#/) continue
                          key = tolower(line); sub(/:.*/, "", key); sub(/^[^:]*:[ \t]*/, "", line)
                          if (key == "types") types = line; else if (key == "uris") uris = line
                          else if (key == "suites") suites = line; else if (key == "enabled") enabled = tolower(line)
                      }
                      n = split(suites, s, /[ \t]+/)
                      for (j = 1; j <= n; j++)
                          if (s[j] == suite && (" " types " ") ~ / deb / && enabled != "no") { split(uris, u, /[ \t]+/); print u[1]; exit }
                    }' "$f" ;;
            *)
                awk -v suite="$suite" '$1 == "deb" { i = 2; if ($i ~ /^\[/) { while ($i !~ /\]$/) i++; i++ }
                                                      if ($(i + 1) == suite) { print $i; exit } }' "$f" ;;
        esac
    done | head -n 1
}

# Creates the cached tree when it is missing (a fresh machine: about 80-150 s), under a
# lock so that concurrent runs build it once; a half-made tree is never used.
ensure_tree() {
    [ -e "$TREE/.tapedeck-tree-complete" ] && return 0
    mkdir -p "$CACHE_DIR"
    (
        flock 9
        [ -e "$TREE/.tapedeck-tree-complete" ] && exit 0
        rm -rf "$CACHE_DIR"/*.partial
        mirror="$(debian_mirror "$TREE_SUITE")"
        [ -n "$mirror" ] || { echo "no apt source serves $TREE_SUITE (see /etc/apt/sources.list.d)" >&2; exit 1; }
        echo "creating $TREE from $mirror (once per machine)..."
        partial="$TREE.partial"
        if ! debootstrap --variant=minbase --include="$TREE_PACKAGES" "$TREE_SUITE" "$partial" "$mirror" \
                > "$CACHE_DIR/debootstrap.log" 2>&1; then
            tail -n 20 "$CACHE_DIR/debootstrap.log" >&2
            rm -rf "$partial"
            exit 1
        fi
        chroot "$partial" apt-get clean
        touch "$partial/.tapedeck-tree-complete"
        rm -rf "$TREE"
        mv "$partial" "$TREE"
    ) 9> "$CACHE_DIR/.lock"
}

CT_NSPAWN=""; CT_PID=""; CT_WORK=""; CT_ROOT=""; CT_CGROUPS=()

# make_cgroups NAME: a cgroup of the container's own in each hierarchy systemd-nspawn uses
# (cgroup2, and name=systemd on a hybrid host). Without a systemd on the host,
# `--keep-unit` boots the container below the caller's own cgroup, so two containers, one
# after the other or at once, would share one tree: the BPF firewall and device programs a
# container's systemd attaches to a service's cgroup would stay and act on the next one.
make_cgroups() {
    local mount path dir
    CT_CGROUPS=()
    mount="$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)"
    path="$(sed -n 's/^0:://p' /proc/self/cgroup)"
    [ -n "$mount" ] && CT_CGROUPS+=("$mount${path%/}/$1")
    mount="$(awk '$3 == "cgroup" && $4 ~ /(^|,)name=systemd(,|$)/ { print $2; exit }' /proc/self/mounts)"
    path="$(sed -n 's/^[0-9]*:name=systemd://p' /proc/self/cgroup)"
    [ -n "$mount" ] && CT_CGROUPS+=("$mount${path%/}/$1")
    for dir in "${CT_CGROUPS[@]}"; do mkdir "$dir" || return 1; done
}

# boot_container NAME [NSPAWN OPTIONS...]: boots the tree on a fresh overlay (changes go
# to a temporary upper layer, the cached tree is never written) and waits until its
# systemd has finished booting. Sets CT_NSPAWN (systemd-nspawn's pid), CT_PID (the
# container's pid 1, for nsenter), CT_ROOT (its root as seen from here) and CT_WORK.
boot_container() {
    local name="$1"; shift
    CT_WORK="$(mktemp -d /var/tmp/tapedeck-systemd.XXXXXX)"
    mkdir "$CT_WORK/upper" "$CT_WORK/work" "$CT_WORK/root"
    CT_ROOT="$CT_WORK/root"
    mount -t overlay overlay -o "lowerdir=$TREE,upperdir=$CT_WORK/upper,workdir=$CT_WORK/work" "$CT_ROOT" || return 1
    make_cgroups "$name.$$" || return 1
    (
        for dir in "${CT_CGROUPS[@]}"; do echo "$BASHPID" > "$dir/cgroup.procs" || exit 1; done
        export SYSTEMD_NSPAWN_UNIFIED_HIERARCHY=1
        exec systemd-nspawn -D "$CT_ROOT" --machine="$name" -b --register=no \
            --keep-unit --console=pipe --capability=CAP_BPF,CAP_NET_ADMIN --system-call-filter=bpf "$@"
    ) < /dev/null > "$CT_WORK/console.log" 2>&1 &
    CT_NSPAWN=$!
    local deadline=$(( $(date +%s) + 60 )) child state
    while [ -z "$CT_PID" ]; do
        kill -0 "$CT_NSPAWN" 2>/dev/null || { echo "systemd-nspawn exited:"; tail -n 20 "$CT_WORK/console.log"; return 1; }
        for child in $(cat "/proc/$CT_NSPAWN/task/$CT_NSPAWN/children" 2>/dev/null); do
            [ "$(cat "/proc/$child/comm" 2>/dev/null)" = systemd ] && CT_PID="$child"
        done
        [ "$(date +%s)" -lt "$deadline" ] || { echo "the container's systemd did not start"; return 1; }
        [ -n "$CT_PID" ] || sleep 0.1
    done
    while :; do
        state="$(in_ct systemctl is-system-running 2>/dev/null)"
        case "$state" in running|degraded) break ;; esac
        [ "$(date +%s)" -lt "$deadline" ] || { echo "the container did not finish booting (state: $state)"; return 1; }
        sleep 0.1
    done
}

# Powers the container off (systemd-nspawn turns SIGTERM into an orderly shutdown), kills
# it if that takes more than 30 s, and removes the overlay. Only our own pids are signalled.
stop_container() {
    if [ -n "$CT_NSPAWN" ] && kill -0 "$CT_NSPAWN" 2>/dev/null; then
        kill -TERM "$CT_NSPAWN" 2>/dev/null
        local deadline=$(( $(date +%s) + 30 ))
        while kill -0 "$CT_NSPAWN" 2>/dev/null && [ "$(date +%s)" -lt "$deadline" ]; do sleep 0.1; done
        if kill -0 "$CT_NSPAWN" 2>/dev/null; then
            [ -n "$CT_PID" ] && kill -KILL "$CT_PID" 2>/dev/null   # pid 1 of the container: its whole pid namespace
            kill -KILL "$CT_NSPAWN" 2>/dev/null
        fi
    fi
    [ -n "$CT_NSPAWN" ] && wait "$CT_NSPAWN" 2>/dev/null
    local dir
    for dir in "${CT_CGROUPS[@]}"; do
        [ -d "$dir" ] && find "$dir" -depth -type d -exec rmdir {} + 2>/dev/null
        [ ! -d "$dir" ] || echo "warning: cannot remove the container's cgroup $dir" >&2
    done
    if [ -n "$CT_WORK" ]; then
        mountpoint -q "$CT_ROOT" && { umount "$CT_ROOT" 2>/dev/null || umount -l "$CT_ROOT"; }
        rm -rf "$CT_WORK"
    fi
    CT_NSPAWN=""; CT_PID=""; CT_WORK=""; CT_ROOT=""; CT_CGROUPS=()
}

# in_ct CMD...: runs CMD inside the container (all its namespaces), with a plain
# environment; a command still running after 180 s is killed, so a hang fails the check
# instead of the whole run.
in_ct() {
    nsenter -t "$CT_PID" -a -- /usr/bin/env -i PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin \
        LANG=C.UTF-8 SYSTEMD_PAGER= SYSTEMD_COLORS=0 timeout --kill-after=10 180 "$@"
}
