#!/bin/sh
# layers.sh - the include graph of src/ keeps the rooms of the design
#
# Reads every '#include "..."' of src/*.c and src/*.h, maps each file to its
# part (the table below, which matches ../shared/DESIGN.md, its parts.json
# and doc/DESIGN.md) and fails on
#   - a file of src/ that is in no part,
#   - an include along a forbidden edge (DESIGN.md's "Forbidden:" line),
#   - an import circle between parts, or between modules (a module is
#     the files that share a name up to its first '_': owners.c, owners.h,
#     owners_priv.h, owners_refresh.c... so a circle inside one such family
#     is not seen),
#   - a known violation (the list below) that no longer exists: the list can
#     only shrink, so remove its line when you fix one,
#   - a file of src/ over 800 lines.
# LAYERS_SRC overrides the directory it reads (default $srcdir/src).
. "$srcdir/tests/lib.sh"

src=${LAYERS_SRC:-$srcdir/src}
[ -d "$src" ] || skip_all "no source directory $src"

# The part of a file, by its name without .c, .h or .bpf.c. Globs come last,
# so that new files of a prefix land in its room. Files of branches in
# flight are mapped ahead (hint: issue 11, Entry's messages; ownerstat:
# issue 11, the plain owner status the model decides; privs: issue 11, the
# owner scan; source_*: issue 12; porttop.bpf.c: issue 16, the BPF owner
# scan); their authors may move them.
part_of() {
	case $1 in
	main | cli | hint) echo Entry ;;
	views | view_text | view_json | view_query | view_why | view_prom | \
		view_events | view_*) echo Views ;;
	tui | tui_*) echo TUI ;;
	source | netns | probe | source_*) echo Source ;;
	model | filter | columns | columns_* | track | why | ownerstat | snapshot) echo Model ;;
	collector | collector_* | diag | sock | nsrun) echo Collector ;;
	owners | owners_refresh | owners_facts | owners_priv | owners_bpf | owners_signal | \
		procparse | privs | porttop | owners_*) echo Owners ;;
	registry) echo Registry ;;
	context | cgroupmap) echo Context ;;
	escape | buf | xalloc | fileio | inoset | mountinfo | nls | clock) echo Base ;;
	*) echo - ;;
	esac
}

# Headers of plain records that every part may read. sock.h is in Collector
# (DESIGN.md), but struct sock_rec is the snapshot's socket record and the
# COLLECT_* flags a request: issue 14 moved the flags there "so that cli.c
# does not include the collector". Reading it is not calling the collector.
# ownerstat.h: the owner status and its facts, plain data that the owner
# scan fills and the model decides from (issue 11)
# snapshot.h: what Source hands the model, plain records (struct proc_info
# and struct holder that the owner scan fills, struct context that the
# cgroup parser fills); it includes only sock.h and ownerstat.h (issue 14)
records=' sock.h ownerstat.h snapshot.h '

# "FROM TO" pairs a part must never include (DESIGN.md, "Forbidden:").
# Model -> Context is there too: issue 14 says "the model includes neither
# the collector, the owner scan, context nor any view".
forbidden='
Model Views
Model TUI
Model Source
Model Collector
Model Owners
Model Context
Views Source
Views Collector
Views Owners
Views Context
TUI Collector
TUI Owners
Collector Owners
Owners Collector
Source TUI
Source Views
'

# Known remaining violations: "FILE HEADER", each with the issue that
# removes it. Fix one, then delete its line: the test fails while a listed
# include no longer exists or is no longer a violation.
known='
'

# Known include circles between modules: "FROM TO" edges that lie on one.
known_modules='
'

tmp=$(mktemp -d) || exit 1
trap 'rm -rf "$tmp"' EXIT

# every file of src/ and its part
for f in "$src"/*.c "$src"/*.h; do
	[ -e "$f" ] || continue
	b=${f##*/}
	stem=${b%.c}
	stem=${stem%.h}
	stem=${stem%.bpf}
	echo "$b $(part_of "$stem")"
done >"$tmp/parts"

# the include lines: "FILE HEADER" for headers that are files of src/
for f in "$src"/*.c "$src"/*.h; do
	[ -e "$f" ] || continue
	sed -n 's/^[[:space:]]*#[[:space:]]*include[[:space:]]*"\([^"]*\)".*/\1/p' \
		"$f" | while read -r h; do
		case $records in *" $h "*) continue ;; esac
		[ -e "$src/$h" ] && echo "src/${f##*/} $h"
	done
done | sort -u >"$tmp/includes"

printf '%s\n' "$known" | grep -v '^#' | grep . | sort -u >"$tmp/known"
printf '%s\n' "$forbidden" | grep . >"$tmp/forbidden"

nopart=$(awk '$2 == "-" { print $1 }' "$tmp/parts")
[ -n "$nopart" ] && diag "files in no part (add them to part_of):" $nopart
ok "$([ -z "$nopart" ]; echo $?)" "every file of src/ is in a part"

# One awk pass over the graph. Prints lines "KIND text" for the checks.
awk -v PARTS="$tmp/parts" -v FORB="$tmp/forbidden" -v KNOWN="$tmp/known" '
BEGIN {
	while ((getline l < PARTS) > 0) {
		split(l, a, " ")
		part[a[1]] = a[2]
		if (a[2] != "-" && !(a[2] in seen)) {
			seen[a[2]] = 1
			np++
			name[np] = a[2]
		}
	}
	while ((getline l < FORB) > 0) {
		split(l, a, " ")
		forb[a[1] " " a[2]] = 1
	}
	while ((getline l < KNOWN) > 0)
		known[l] = 1
}
{
	sub(/^src\//, "", $1)
	p = part[$1]
	q = part[$2]
	if (p == "" || q == "" || p == "-" || q == "-" || p == q)
		next
	edge = "src/" $1 " " $2
	pq[edge] = p " " q
	all[p " " q] = 1
	if (!(edge in known)) {
		free[p " " q] = 1
		via[p " " q] = via[p " " q] " " edge
	}
}
function closure(g, r,    i, j, k) {
	for (i = 1; i <= np; i++)
		for (j = 1; j <= np; j++)
			r[name[i] " " name[j]] = ((name[i] " " name[j]) in g)
	for (k = 1; k <= np; k++)
		for (i = 1; i <= np; i++)
			for (j = 1; j <= np; j++)
				if (r[name[i] " " name[k]] && r[name[k] " " name[j]])
					r[name[i] " " name[j]] = 1
}
END {
	closure(free, rfree)
	closure(all, rall)
	for (e in pq) {
		if ((pq[e] in forb) && !(e in known))
			print "FORBIDDEN " e " (" pq[e] ")"
	}
	for (e in free) {
		split(e, a, " ")
		if (rfree[a[2] " " a[1]])
			print "CIRCLE " a[1] " -> " a[2] " (via" via[e] \
				") and " a[2] " reaches " a[1] " back"
	}
	for (e in known) {
		if (!(e in pq))
			print "GONE " e ": no such include between parts now"
		else {
			split(pq[e], a, " ")
			if (!(pq[e] in forb) && !rall[a[2] " " a[1]])
				print "GONE " e " (" pq[e] \
					"): neither forbidden nor in a circle now"
		}
	}
}' "$tmp/includes" | sort >"$tmp/found"

bad=$(sed -n 's/^FORBIDDEN //p' "$tmp/found")
[ -n "$bad" ] && diag "forbidden includes (see doc/DESIGN.md):" "$bad"
ok "$([ -z "$bad" ]; echo $?)" "no forbidden include outside the known list"

bad=$(sed -n 's/^CIRCLE //p' "$tmp/found")
[ -n "$bad" ] && diag "import circles between parts:" "$bad"
ok "$([ -z "$bad" ]; echo $?)" "no import circle between parts outside the known list"

# the same at the level of modules
printf '%s\n' "$known_modules" | grep -v '^#' | grep . | sort -u \
	>"$tmp/known_modules"
awk -v KNOWN="$tmp/known_modules" '
function module(f) {
	sub(/^src\//, "", f)
	sub(/\.[ch]$/, "", f)
	sub(/\.bpf$/, "", f)
	sub(/_.*$/, "", f)
	return f
}
function node(m) {
	if (!(m in seen)) {
		seen[m] = 1
		name[++nn] = m
	}
}
BEGIN {
	while ((getline l < KNOWN) > 0)
		known[l] = 1
}
{
	a = module($1)
	b = module($2)
	if (a == b)
		next
	node(a)
	node(b)
	edge[a " " b] = 1
}
END {
	for (i = 1; i <= nn; i++)
		for (j = 1; j <= nn; j++)
			r[name[i] " " name[j]] = ((name[i] " " name[j]) in edge)
	for (k = 1; k <= nn; k++)
		for (i = 1; i <= nn; i++) {
			if (!r[name[i] " " name[k]])
				continue
			for (j = 1; j <= nn; j++)
				if (r[name[k] " " name[j]])
					r[name[i] " " name[j]] = 1
		}
	for (e in edge) {
		split(e, x, " ")
		if (r[x[2] " " x[1]] && !(e in known))
			print "CIRCLE " x[1] " -> " x[2] " and " x[2] \
				" reaches " x[1] " back"
	}
	for (e in known) {
		split(e, x, " ")
		if (!(e in edge) || !r[x[2] " " x[1]])
			print "GONE " e ": no longer an include on a circle " \
				"between modules"
	}
}' "$tmp/includes" | sort >"$tmp/found_modules"

bad=$(sed -n 's/^CIRCLE //p' "$tmp/found_modules")
[ -n "$bad" ] && diag "import circles between modules:" "$bad"
ok "$([ -z "$bad" ]; echo $?)" "no import circle between modules outside the known list"

bad=$(sed -n 's/^GONE //p' "$tmp/found" "$tmp/found_modules")
[ -n "$bad" ] && diag "fixed? then delete these lines from the known list:" "$bad"
ok "$([ -z "$bad" ]; echo $?)" "every listed known violation still exists"

# each entry's comment block starts with the issue that removes it
noissue=$(printf '%s\n' "$known" "$known_modules" | awk '
	/^#/ { if (!prev) c = /^# issue 14/; prev = 1; next }
	{ prev = 0 }
	/^$/ { c = 0 }
	/^[a-z]/ && !c { print }')
[ -n "$noissue" ] && diag "known violations without an issue:" "$noissue"
ok "$([ -z "$noissue" ]; echo $?)" "every known violation names its issue"
diag "known violations left: $(wc -l <"$tmp/known") includes, $(wc -l \
	<"$tmp/known_modules") module edges on circles"

big=$(wc -l "$src"/*.c "$src"/*.h | awk '$2 != "total" && $1 > 800 { print }')
[ -n "$big" ] && diag "files over 800 lines:" "$big"
ok "$([ -z "$big" ]; echo $?)" "every file of src/ is under 800 lines"

done_testing
