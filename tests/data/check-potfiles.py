#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fails when a file under src/ marks strings for translation but is missing
from po/POTFILES.in, or when POTFILES.in names a file that does not exist
(xgettext would then stop and the .pot could not be regenerated).

Usage: check-potfiles.py SOURCE_ROOT
"""
import pathlib
import re
import sys

# C: _("…"), N_("…"), C_("ctx", "…"), NC_, Q_, the gettext family (ngettext,
# g_dngettext, g_dpgettext2…); GtkBuilder: translatable="yes" (or true, 1).
MARKERS = re.compile(r'(?<![A-Za-z0-9_])(?:N?C_|N_|Q_|_|(?:g_)?d?c?n?p?gettext2?)\s*\('
                     r'|translatable="(?:yes|true|1)"')
SUFFIXES = {'.c', '.h', '.ui', '.blp'}
# The audience page is plain web content, translated by the browser user, not gettext.
SKIP_DIRS = {'web'}


def main():
    root = pathlib.Path(sys.argv[1])
    listed = set()
    failures = []
    for line in (root / 'po' / 'POTFILES.in').read_text(encoding='utf-8').splitlines():
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        listed.add(line)
        if not (root / line).is_file():
            failures.append(f'po/POTFILES.in lists {line}, which does not exist')

    for path in sorted((root / 'src').rglob('*')):
        relative = path.relative_to(root)
        if path.suffix not in SUFFIXES or SKIP_DIRS & set(relative.parts[1:-1]):
            continue
        text = path.read_text(encoding='utf-8', errors='replace')
        match = MARKERS.search(text)
        if match and relative.as_posix() not in listed:
            line_no = text.count('\n', 0, match.start()) + 1
            failures.append(f'{relative}:{line_no} has translatable strings '
                            f'but is missing from po/POTFILES.in')

    for failure in failures:
        print(failure)
    if not failures:
        print(f'ok: {len(listed)} files in po/POTFILES.in cover every marked source file')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
