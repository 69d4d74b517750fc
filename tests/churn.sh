#!/bin/sh
# churn.sh - every refresh is as complete as the one-shot dump: thousands
# of SO_REUSEPORT listeners on one port stay open while a process opens and
# closes siblings on the same port; every table of -b -n must hold every
# stable listener (complete: where the host's processes cannot all be
# read, in a pid namespace of its own). CI runs it short; bench/churn.sh
# runs it long:
#   CHURN_LISTENERS=3000 CHURN_TABLES=30 tests/churn.sh
. "$srcdir/tests/lib.sh"

need python3
inner_ns "$1"
nstable=${CHURN_LISTENERS:-2000}
ntables=${CHURN_TABLES:-8}

work=$(mktemp -d "${TMPDIR:-/tmp}/porttop-churn.XXXXXX") || exit 99
trap 'exec 3>&-; kill $churner 2>/dev/null; wait; rm -rf "$work"' EXIT
cat >"$work/hold.py" <<'PY'
# hold.py N: N SO_REUSEPORT TCP listeners on one port; print the port, the
# inodes, then "ready"; hold them until stdin closes
import os, resource, socket, sys
n = int(sys.argv[1])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
want = n + 64
if soft < want:
    if hard != resource.RLIM_INFINITY and hard < want:
        print("skip: the fd limit is %d" % hard, flush=True)
        sys.exit(0)
    resource.setrlimit(resource.RLIMIT_NOFILE, (want, hard))
socks, port = [], 0
for i in range(n):
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    s.bind(("127.0.0.1", port))
    s.listen(8)
    port = s.getsockname()[1]
    socks.append(s)
print("port", port)
for s in socks:
    print("sock", os.fstat(s.fileno()).st_ino)
print("ready", flush=True)
sys.stdin.read()
PY
cat >"$work/churn.py" <<'PY'
# churn.py PORT: open and close SO_REUSEPORT siblings on PORT, forever
import socket, sys
port = int(sys.argv[1])
live = []
while True:
    for i in range(50):
        s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        s.bind(("127.0.0.1", port))
        s.listen(8)
        live.append(s)
    while live:
        live.pop(0).close()
PY
mkfifo "$work/in"
python3 "$work/hold.py" "$nstable" <"$work/in" >"$work/held" &
exec 3>"$work/in"
n=0
until grep -q '^ready' "$work/held" 2>/dev/null; do
	grep -q '^skip' "$work/held" 2>/dev/null && skip_all "$(cat "$work/held")"
	n=$((n + 1))
	[ $n -gt 600 ] && { echo "Bail out! hold.py did not start"; exit 1; }
	sleep 0.05
done
port=$(awk '$1 == "port" { print $2 }' "$work/held")
awk '$1 == "sock" { print $2 }' "$work/held" | sort -n >"$work/stable"
python3 "$work/churn.py" "$port" &
churner=$!
sleep 0.3

"$PORTTOP" -b -n "$ntables" -d 0.1 -t --no-header -o inode "$port" \
	>"$work/tables" 2>"$work/err"
rc=$?
kill $churner 2>/dev/null
# each table: the stable listeners it lacks
awk -v stable="$work/stable" '
	BEGIN { while ((getline l < stable) > 0) w[l] = 1 }
	/^$/ { check(); next }
	/^[0-9]+$/ { seen[$1] = 1 }
	END { check(); printf "%d %d %d\n", t, missing, bad }
	function check(   k, m) {
		t++
		m = 0
		for (k in w) if (!(k in seen)) m++
		missing += m
		if (m) bad++
		delete seen
	}' "$work/tables" >"$work/figures"
read -r tables missing badtables <"$work/figures"
diag "churn: $nstable stable SO_REUSEPORT listeners on port $port, a process opening and closing siblings"
diag "tables compared: $tables; tables missing a stable listener: $badtables; stable listeners missing: $missing"
[ $rc -eq 0 ]; ok $? "porttop -b -n $ntables under churn exits 0 (rc $rc: $(head -c 200 "$work/err"))"
[ "$tables" -eq "$ntables" ]; ok $? "$tables tables printed"
[ "$missing" -eq 0 ]
ok $? "every table holds every stable listener (stable listeners missing: $missing in $badtables of $tables tables)"
done_testing
