#!/usr/bin/env python3
"""Compares two runs of scripts/screenshots.sh by their text captures (SHOT_TEXT_DIR), not their PNG bytes.

    python3 scripts/shot-textdiff.py DIR_A SET_A DIR_B SET_B [txt|ansi]

SET_A and SET_B are the delegation sets the runs seeded (screenshots.sh prints "delegation set: ..."). What differs
between two runs of the same code is masked first: the stand-ins' port and temporary folder, the clock, request
latencies and elapsed seconds, and the IDs the Route 53 stand-in makes up (sets, zones, changes, health checks).
Prints one line a shot, and the masked diff of a shot that still differs; exits 1 when one does.
"""
import difflib, pathlib, re, sys


def mask(text, set_id):
    t = re.sub(r'127\.0\.0\.1:\d+', '127.0.0.1:PORT', text)
    t = re.sub(r'vanityns-standins\.\w{6}', 'vanityns-standins.XXXXXX', t)
    t = re.sub(r'(?<!\d)\d\d:\d\d:\d\d(?!\d)', 'HH:MM:SS', t)
    t = re.sub(r'(?<=\s)\s*\d+ ms\b', lambda m: 'N ms'.rjust(len(m.group(0))), t)
    t = re.sub(r'\b\d+(\.\d+)? s\b', 'N s', t)
    if set_id:
        t = t.replace(set_id, 'SETID')
    t = re.sub(r'\bZ[0-9A-Z]{10,32}\b', lambda m: 'ZONEID'.ljust(len(m.group(0))), t)
    t = re.sub(r'\bC[0-9A-Z]{10,32}\b', lambda m: 'CHANGEID'.ljust(len(m.group(0))), t)
    t = re.sub(r'(?<![0-9A-Za-z])[0-9A-Z]{22}(?![0-9A-Za-z])', 'ZONEID'.ljust(22, '_'), t)
    t = re.sub(r'[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}', 'UUID', t)
    return t


def main():
    a, set_a, b, set_b = sys.argv[1:5]
    ext = sys.argv[5] if len(sys.argv) > 5 else 'txt'
    differ = False
    for p in sorted(pathlib.Path(a).glob('*.' + ext)):
        q = pathlib.Path(b) / p.name
        if not q.exists():
            print(f'{p.name:28} missing in {b}'); differ = True; continue
        x, y = p.read_text(), q.read_text()
        mx, my = mask(x, set_a), mask(y, set_b)
        print(f'{p.name:28} raw {"identical" if x == y else "differs":9}  masked {"identical" if mx == my else "DIFFERS"}')
        if mx != my:
            differ = True
            for line in difflib.unified_diff(mx.splitlines(), my.splitlines(), lineterm='', n=0):
                print('   ', line)
    sys.exit(1 if differ else 0)


if __name__ == '__main__':
    main()
