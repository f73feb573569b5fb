#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks that the Flatpak manifest parses and agrees with the Meson project:
the app id, the installed executable it runs, the project name and version
(through the newest release in the metainfo), and the sandbox the app needs.
Also what Flathub asks of the app's own files: the license text installed
under share/licenses/APP_ID, a display size in the metainfo, and one main
category in the desktop file.

Usage: check-flatpak-manifest.py MANIFEST BUILD_ROOT APP_ID METAINFO
"""
import json
import pathlib
import re
import sys
import xml.etree.ElementTree as ET

FINISH_ARGS = {'--share=network', '--share=ipc', '--socket=fallback-x11',
               '--socket=wayland', '--device=dri'}
QRENCODE_URL = 'https://fukuchi.org/works/qrencode/qrencode-4.1.1.tar.gz'
# The freedesktop menu specification's main categories.
MAIN_CATEGORIES = {'AudioVideo', 'Audio', 'Video', 'Development', 'Education', 'Game',
                   'Graphics', 'Network', 'Office', 'Science', 'Settings', 'System',
                   'Utility'}


def main():
    manifest_path, build_root, app_id, metainfo = sys.argv[1:5]
    failures = []

    def expect(condition, message):
        if not condition:
            failures.append(message)

    manifest = json.loads(pathlib.Path(manifest_path).read_text(encoding='utf-8'))
    info = pathlib.Path(build_root) / 'meson-info'
    project = json.loads((info / 'intro-projectinfo.json').read_text(encoding='utf-8'))
    targets = json.loads((info / 'intro-targets.json').read_text(encoding='utf-8'))
    installed = {t['name'] for t in targets if t['type'] == 'executable' and t['installed']}

    expect(manifest.get('id') == app_id, f'id is {manifest.get("id")!r}, Meson says {app_id!r}')
    expect(pathlib.Path(manifest_path).name == app_id + '.json',
           f'the manifest should be named {app_id}.json')
    expect(manifest.get('command') in installed,
           f'command {manifest.get("command")!r} is none of the installed executables {sorted(installed)}')
    expect(manifest.get('runtime') == 'org.gnome.Platform', 'runtime should be org.gnome.Platform')
    expect(manifest.get('sdk') == 'org.gnome.Sdk', 'sdk should be org.gnome.Sdk')
    expect(manifest.get('runtime-version') == '50', 'runtime-version should be the string "50"')
    expect(set(manifest.get('finish-args', [])) == FINISH_ARGS,
           f'finish-args should be exactly {sorted(FINISH_ARGS)}')

    modules = manifest.get('modules', [])
    expect(len(modules) >= 2 and all(isinstance(m, dict) for m in modules),
           'modules should be objects: libqrencode, then the app')
    if failures:
        return report(failures)

    qrencode = next((m for m in modules if m.get('name') == 'qrencode'), {})
    sources = qrencode.get('sources', [{}])
    expect(sources[0].get('url') == QRENCODE_URL, f'libqrencode should come from {QRENCODE_URL}')
    expect(re.fullmatch(r'[0-9a-f]{64}', sources[0].get('sha256', '')),
           'libqrencode should be pinned by sha256')

    app = modules[-1]
    expect(app.get('name') == project['descriptive_name'],
           f'the last module is {app.get("name")!r}, the Meson project is {project["descriptive_name"]!r}')
    expect(app.get('buildsystem') == 'meson', 'the app should build with meson')
    expect(app.get('builddir') is True, 'the app should build in a separate builddir')
    expect(app.get('run-tests') is True, 'the app should run its tests')
    expect(app.get('sources') == [{'type': 'dir', 'path': '.'}],
           'the app should be built from the local directory')

    component = ET.parse(metainfo).getroot()
    expect(component.findtext('id') == app_id, 'the metainfo id differs from the app id')
    releases = component.findall('releases/release')
    newest = releases[0].get('version') if releases else None
    expect(newest == project['version'],
           f'the newest release in the metainfo is {newest}, Meson says {project["version"]}')

    installed_files = json.loads((info / 'intro-installed.json').read_text(encoding='utf-8'))
    license_dir = '/share/licenses/' + app_id + '/'
    expect(any(pathlib.Path(src).name == 'COPYING' and license_dir in dest
               for src, dest in installed_files.items()),
           f'COPYING should be installed to {license_dir}')

    expect(component.find('requires/display_length') is not None,
           'the metainfo should say which display size the window needs')
    expect(component.find('supports/control') is not None,
           'the metainfo should say which input controls the window supports')

    desktop = pathlib.Path(metainfo).with_name(app_id + '.desktop.in').read_text(encoding='utf-8')
    categories = next((line.split('=', 1)[1] for line in desktop.splitlines()
                       if line.startswith('Categories=')), '')
    main = [c for c in categories.split(';') if c in MAIN_CATEGORIES]
    expect(len(main) == 1, f'the desktop file should have one main category, not {main}')

    return report(failures)


def report(failures):
    for failure in failures:
        print('not ok:', failure)
    if not failures:
        print('ok: the manifest agrees with the Meson project')
    return 1 if failures else 0


if __name__ == '__main__':
    sys.exit(main())
