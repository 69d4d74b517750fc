#!/bin/sh
# nls.sh - the German catalogue is used for messages, never for JSON
. "$srcdir/tests/lib.sh"
# src/main.c built again with LOCALEDIR pointing into the build tree
NLS=$top_builddir/tests/porttop-nls
REC=$srcdir/tests/data/listeners.rec
grep -q '^#define ENABLE_NLS 1' "$top_builddir/config.h" ||
	skip_all "built without NLS (--disable-nls)"
[ -x "$NLS" ] || skip_all "$NLS is not built"
command -v msgfmt >/dev/null 2>&1 || skip_all "msgfmt (gettext) is not installed"
command -v jq >/dev/null 2>&1 || skip_all "jq is not installed"
locale -a 2>/dev/null | grep -qi '^c\.utf-\{0,1\}8$' ||
	skip_all "the C.UTF-8 locale is missing: LANGUAGE would be ignored"

locales=$top_builddir/tests/locale
trap 'rm -rf "$locales"' EXIT
mkdir -p "$locales/de/LC_MESSAGES" &&
	msgfmt -c -o "$locales/de/LC_MESSAGES/porttop.mo" "$srcdir/po/de.po"
ok $? "msgfmt -c accepts po/de.po"

de() { LANGUAGE=de LC_ALL=C.UTF-8 "$NLS" "$@"; }
en() { LANGUAGE= LC_ALL=C.UTF-8 "$NLS" "$@"; }

out=$(de --help); rc=$?
ok $rc "--help exits 0 in German"
echo "$out" | grep -q '^Aufruf: porttop '; ok $? "--help is German: Aufruf"
echo "$out" | grep -q -- '--json .*JSON-Array'; ok $? "--help keeps the option names"
out=$(en --help)
echo "$out" | grep -q '^Usage: porttop '; ok $? "without LANGUAGE it stays English"

err=$(de --bogus 2>&1 >/dev/null); rc=$?
[ $rc -eq 2 ]; ok $? "unknown option still exits 2 (got $rc)"
echo "$err" | grep -q "^porttop: unbekannte Option: '--bogus' (siehe 'porttop --help')$"
ok $? "the usage error is German: $err"
err=$(de --pid nix 2>&1 >/dev/null)
echo "$err" | grep -q "keine Prozess-ID"; ok $? "a reason from N_() is German: $err"

out=$(de -b --replay "$REC" 2>/dev/null)
echo "$out" | head -n 1 | grep -q 'ADRESSE.*DIENST'; ok $? "table headers are German"
out=$(de --list-columns)
echo "$out" | grep -q '^address  *lokale Adresse'
ok $? "--list-columns keeps column ids, translates descriptions"

# a card has PRIu32 messages: glibc must resolve the <PRIu32> msgids
port=$(en --json --replay "$REC" 2>/dev/null | jq -r '[.[] | select(.proto == "tcp")][0].port')
out=$(de --replay "$REC" "$port" 2>/dev/null)
echo "$out" | grep -q 'warten auf Annahme, Backlog'
ok $? "a card with <PRIu32> messages is German (port $port)"

# JSON: keys and keyword values never change with the language
jde=$(de --json --replay "$REC" 2>/dev/null); rc=$?
ok $rc "--json exits 0 in German"
jen=$(en --json --replay "$REC" 2>/dev/null)
keys='[.[] | paths | map(tostring) | join(".")] | map(gsub("[0-9]+"; "N")) | unique'
kde=$(printf '%s' "$jde" | jq -c "$keys")
ken=$(printf '%s' "$jen" | jq -c "$keys")
[ -n "$kde" ] && [ "$kde" = "$ken" ]; ok $? "JSON keys are the same under LANGUAGE=de"
printf '%s' "$kde" | grep -q '"address"' && ! printf '%s' "$kde" | grep -q 'adresse'
ok $? "JSON keys are English"
vals='[.[] | [.proto, .family, .class, .exposure]]'
[ "$(printf '%s' "$jde" | jq -c "$vals")" = "$(printf '%s' "$jen" | jq -c "$vals")" ]
ok $? "JSON keywords (proto, class, exposure) are not translated"
[ -n "$jde" ] && [ "$(printf '%s' "$jde" | jq 'length > 0 and all(.[]; .owner_status | IN("ok", "partial", "permission", "hidden", "unread", "exited", "closed", "none"))')" = true ]
ok $? "owner_status stays a keyword"
done_testing
