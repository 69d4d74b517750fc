#!/usr/bin/env python3
"""prom-parse.py - read a Prometheus text exposition strictly, print its
series as JSON: [{"name", "labels", "value", "type"}].

Fails (exit 1, one line on stderr) on what the format forbids and promtool
may let pass: a label value escape other than \\\\, \\" and \\n, a series
given twice in one family, a sample before its family's TYPE, two TYPE
lines for one family, or text that is not UTF-8."""
import json
import re
import sys

NAME = re.compile(r'[a-zA-Z_:][a-zA-Z0-9_:]*')
LABEL = re.compile(r'[a-zA-Z_][a-zA-Z0-9_]*')


def fail(lineno, why):
    sys.stderr.write("line %d: %s\n" % (lineno, why))
    sys.exit(1)


def parse_labels(s, i, lineno):
    labels = {}
    while True:
        if s[i] == '}':
            return labels, i + 1
        m = LABEL.match(s, i)
        if not m:
            fail(lineno, "bad label name at %d" % i)
        key = m.group(0)
        i = m.end()
        if s[i:i + 2] != '="':
            fail(lineno, "expected =\" after %s" % key)
        i += 2
        val = []
        while True:
            if i >= len(s):
                fail(lineno, "unterminated value of %s" % key)
            c = s[i]
            if c == '"':
                i += 1
                break
            if c == '\\':
                e = s[i + 1:i + 2]
                if e == '\\':
                    val.append('\\')
                elif e == '"':
                    val.append('"')
                elif e == 'n':
                    val.append('\n')
                else:
                    fail(lineno, "bad escape \\%s in %s" % (e, key))
                i += 2
                continue
            if c == '\n':
                fail(lineno, "raw newline in %s" % key)
            val.append(c)
            i += 1
        if key in labels:
            fail(lineno, "label %s twice" % key)
        labels[key] = ''.join(val)
        if s[i] == ',':
            i += 1
        elif s[i] != '}':
            fail(lineno, "expected , or } after %s" % key)


def main():
    data = open(sys.argv[1], 'rb').read()
    try:
        text = data.decode('utf-8', errors='strict')
    except UnicodeDecodeError as e:
        fail(0, "not UTF-8: %s" % e)
    types = {}
    seen = set()
    out = []
    for lineno, line in enumerate(text.split('\n'), 1):
        if not line:
            continue
        if line.startswith('# TYPE '):
            parts = line.split(' ')
            if parts[2] in types:
                fail(lineno, "second TYPE for %s" % parts[2])
            types[parts[2]] = parts[3]
            continue
        if line.startswith('#'):
            continue
        m = NAME.match(line)
        if not m:
            fail(lineno, "bad metric name")
        name = m.group(0)
        i = m.end()
        labels = {}
        if line[i:i + 1] == '{':
            labels, i = parse_labels(line, i + 1, lineno)
        if line[i:i + 1] != ' ':
            fail(lineno, "expected a space before the value")
        value = float(line[i + 1:].split(' ')[0])
        family = name[:-len('_total')] if name.endswith('_total') else name
        if name not in types and family not in types:
            fail(lineno, "%s has no TYPE before it" % name)
        key = (name, tuple(sorted(labels.items())))
        if key in seen:
            fail(lineno, "series given twice: %s" % line)
        seen.add(key)
        out.append({"name": name, "labels": labels, "value": value,
                    "type": types.get(name, types.get(family))})
    json.dump(out, sys.stdout)
    sys.stdout.write('\n')


main()
