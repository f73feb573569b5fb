#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The real sse-hub window read and driven as a presenter's tools do: keys
through the X server, the window through its accessibility tree (AT-SPI).

Run under xvfb-run (tests/ui/meson.build); prints TAP."""

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
import traceback

# Before GLib loads: libatspi warns about objects that come and go.
os.environ.pop('G_DEBUG', None)

import gi  # noqa: E402

gi.require_version('Atspi', '2.0')
from gi.repository import Atspi  # noqa: E402

BINARY = os.environ['SSE_HUB_BINARY']
NO_DISPLAY_HINT = 'No display found. To serve without a window: run sse-hub --headless\n'
# Controls a screen reader must be able to name.
CONTROL_ROLES = {
    Atspi.Role.PUSH_BUTTON, Atspi.Role.TOGGLE_BUTTON, Atspi.Role.CHECK_BOX,
    Atspi.Role.RADIO_BUTTON, Atspi.Role.TEXT, Atspi.Role.ENTRY, Atspi.Role.SPIN_BUTTON,
    Atspi.Role.COMBO_BOX, Atspi.Role.SLIDER, Atspi.Role.MENU_ITEM,
    Atspi.Role.LINK, Atspi.Role.PASSWORD_TEXT,
}
# Evdev keycodes, as Xvfb maps them.
KEY_CONTROL = 37
KEY_Q = 24
KEY_Z = 52


def free_port():
    with socket.socket() as s:
        s.bind(('127.0.0.1', 0))
        return s.getsockname()[1]


def wait_for(condition, what, timeout=15):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.1)
    raise AssertionError(f'timed out waiting for {what}')


class App:
    """sse-hub with its window, on a port of its own and throw-away files."""

    def __init__(self, extra_keys=''):
        self.dir = tempfile.TemporaryDirectory(prefix='sse-hub-presenter-')
        self.port = free_port()
        settings = os.path.join(self.dir.name, 'config', 'glib-2.0', 'settings')
        os.makedirs(settings)
        with open(os.path.join(settings, 'keyfile'), 'w') as f:
            f.write(f'[com/example/SseHub]\nport={self.port}\nlisten-on-network=false\n'
                    f'{extra_keys}')
        env = dict(os.environ)
        # The accessibility tree is what these tests read.
        env.pop('NO_AT_BRIDGE', None)
        env.pop('GTK_A11Y', None)
        env['GSETTINGS_BACKEND'] = 'keyfile'
        env['XDG_CONFIG_HOME'] = os.path.join(self.dir.name, 'config')
        env['XDG_DATA_HOME'] = os.path.join(self.dir.name, 'data')
        self.process = subprocess.Popen([BINARY], env=env)
        wait_for(self.serving, 'the hub to serve')
        self.frame = wait_for(self.find_frame, 'the window in the accessibility tree')
        # No window manager: keys go to the window under the pointer.
        extents = self.frame.get_extents(Atspi.CoordType.SCREEN)
        Atspi.generate_mouse_event(extents.x + extents.width // 2, extents.y + 10, 'abs')

    def find_frame(self):
        desktop = Atspi.get_desktop(0)
        for i in range(desktop.get_child_count()):
            app = desktop.get_child_at_index(i)
            if app is None or app.get_process_id() != self.process.pid:
                continue
            for j in range(app.get_child_count()):
                window = app.get_child_at_index(j)
                if window.get_role() == Atspi.Role.FRAME and window.get_name() == 'SSE Hub':
                    return window
        return None

    def windows(self):
        app = self.frame.get_parent()
        return [app.get_child_at_index(j) for j in range(app.get_child_count())]

    def request(self, method, path, body=None, headers=None):
        connection = http.client.HTTPConnection('127.0.0.1', self.port, timeout=5)
        connection.request(method, path, body=body, headers=headers or {})
        response = connection.getresponse()
        data = response.read()
        connection.close()
        return response.status, data

    def serving(self):
        try:
            return self.request('GET', '/')[0] == 200
        except OSError:
            return False

    def connect_client(self):
        """An event stream held open, as a student's browser holds it."""
        client = socket.create_connection(('127.0.0.1', self.port))
        client.sendall(f'GET /connect HTTP/1.1\r\nHost: 127.0.0.1:{self.port}\r\n'
                       'Accept: text/event-stream\r\n\r\n'.encode())
        client.settimeout(5)
        assert client.recv(4096).startswith(b'HTTP/1.1 200')
        return client

    def close(self):
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.dir.cleanup()


def walk(accessible):
    yield accessible
    for i in range(accessible.get_child_count()):
        child = accessible.get_child_at_index(i)
        if child is not None:
            yield from walk(child)


def named(accessible, name):
    """GTK 4.8 names a button with a mnemonic "_Quit Quit"."""
    shown = accessible.get_name() or ''
    return shown == name or shown.endswith(' ' + name)


def find(root, role=None, name=None):
    for accessible in walk(root):
        if (role is None or accessible.get_role() == role) and \
           (name is None or named(accessible, name)):
            return accessible
    return None


def focused(root):
    for accessible in walk(root):
        if accessible.get_state_set().contains(Atspi.StateType.FOCUSED):
            return accessible
    return None


def press(keysym):
    Atspi.generate_keyboard_event(keysym, None, Atspi.KeySynthType.SYM)
    time.sleep(0.3)


def press_control(keycode):
    Atspi.generate_keyboard_event(KEY_CONTROL, None, Atspi.KeySynthType.PRESS)
    Atspi.generate_keyboard_event(keycode, None, Atspi.KeySynthType.PRESSRELEASE)
    Atspi.generate_keyboard_event(KEY_CONTROL, None, Atspi.KeySynthType.RELEASE)
    time.sleep(0.3)


def label_shown(app, text):
    for window in app.windows():
        if find(window, Atspi.Role.LABEL, text) is not None:
            return True
    return False


def still_open(client):
    """True while the stream has not ended (keep-alives may arrive)."""
    client.setblocking(False)
    try:
        return client.recv(65536) != b''
    except BlockingIOError:
        return True
    except OSError:
        return False
    finally:
        client.setblocking(True)


# ---------------------------------------------------------------------------

def test_space_after_launch_keeps_serving():
    app = App()
    try:
        focus = wait_for(lambda: focused(app.frame), 'a focused control')
        assert focus.get_role() == Atspi.Role.TEXT and focus.get_name() == 'Name', \
            f'focus starts on {focus.get_role_name()} {focus.get_name()!r}'
        press(0x20)  # space
        press(0xff0d)  # Return
        time.sleep(0.5)
        assert app.serving(), 'a key pressed right after launch stopped the hub'
    finally:
        app.close()


def test_quit_with_client_asks():
    app = App()
    try:
        client = app.connect_client()
        wait_for(lambda: label_shown(app, f'Serving on 127.0.0.1:{app.port} · 1 client'),
                 'the header to count the client')

        press_control(KEY_Q)
        wait_for(lambda: app.process.poll() is not None or
                 label_shown(app, 'Stop serving 1 client?'), 'Ctrl+Q to ask first')
        assert app.process.poll() is None, 'Ctrl+Q quit without asking'
        press(0xff1b)  # Escape keeps serving
        wait_for(lambda: not label_shown(app, 'Stop serving 1 client?'), 'Escape to answer')
        assert app.process.poll() is None and app.serving() and still_open(client)

        # Enter gives the safe answer too.
        press_control(KEY_Q)
        wait_for(lambda: label_shown(app, 'Stop serving 1 client?'), 'the question again')
        press(0xff0d)
        wait_for(lambda: not label_shown(app, 'Stop serving 1 client?'), 'Enter to answer')
        assert app.process.poll() is None and app.serving() and still_open(client)

        # Answering Quit quits.
        press_control(KEY_Q)
        dialog = wait_for(lambda: next((w for w in app.windows()
                                        if find(w, Atspi.Role.LABEL, 'Stop serving 1 client?')),
                                       None), 'the question a third time')
        quit_button = find(dialog, Atspi.Role.PUSH_BUTTON, 'Quit')
        assert quit_button is not None, 'no Quit answer'
        quit_button.do_action(0)
        assert app.process.wait(10) == 0
        client.close()
    finally:
        app.close()


def test_every_control_named():
    app = App()
    try:
        unnamed = []
        for accessible in walk(app.frame):
            if accessible.get_role() not in CONTROL_ROLES:
                continue
            name = accessible.get_name() or ''
            # GTK 4.8 reads a control without a name by its class name.
            if name.strip() == '' or name.startswith(('Gtk', 'Adw', 'SseHub')):
                unnamed.append(f'{accessible.get_role_name()} {name!r}')
        assert not unnamed, 'controls without a name: ' + ', '.join(unnamed)
    finally:
        app.close()


def test_log_follows_past_cap():
    # Wide enough for the log beside the persons.
    app = App('window-width=1900\nwindow-height=1040\n')
    try:
        last = ''
        connection = http.client.HTTPConnection('127.0.0.1', app.port, timeout=5)
        for i in range(650):
            last = f'Follower {i:03}'
            connection.request('POST', '/addPerson', body=f'{{"name":"{last}","age":20}}',
                               headers={'Content-Type': 'application/json'})
            response = connection.getresponse()
            response.read()
            assert response.status == 200
        connection.close()

        log = wait_for(lambda: find(app.frame, Atspi.Role.LIST, None) and
                       next((a for a in walk(app.frame) if a.get_role() == Atspi.Role.LIST and
                             find(a, Atspi.Role.LIST_ITEM) is not None and
                             a.get_parent().get_role() == Atspi.Role.SCROLL_PANE and
                             a.get_parent().get_parent().get_name() == 'GtkOverlay'), None),
                       'the event log')

        def newest_in_view():
            return any(last in (a.get_name() or '') for a in walk(log)
                       if a.get_role() == Atspi.Role.LABEL)
        wait_for(newest_in_view, f'the log to show "{last}"')
        time.sleep(1)
        assert find(app.frame, Atspi.Role.PUSH_BUTTON, 'Jump to Newest') is None, \
            'the log stopped following'
        assert newest_in_view()
    finally:
        app.close()


def test_ctrl_z_undoes_clear():
    app = App()
    try:
        for name in ('Ada', 'Grace'):
            status, _ = app.request('POST', '/addPerson', body=f'{{"name":"{name}","age":36}}',
                                    headers={'Content-Type': 'application/json'})
            assert status == 200
        wait_for(lambda: label_shown(app, '2 persons'), 'two persons')
        find(app.frame, Atspi.Role.PUSH_BUTTON, 'Clear All').do_action(0)
        wait_for(lambda: label_shown(app, '0 persons'), 'Clear All')
        # With the focus in the empty Name field, as after launch.
        press_control(KEY_Z)
        wait_for(lambda: label_shown(app, '2 persons'), 'Ctrl+Z to bring them back')
    finally:
        app.close()


def test_no_display_hint():
    env = dict(os.environ)
    env.pop('DISPLAY', None)
    env.pop('WAYLAND_DISPLAY', None)
    env['LANGUAGE'] = 'C'
    result = subprocess.run([BINARY], env=env, capture_output=True, text=True, timeout=30)
    assert result.returncode == 1, result.returncode
    assert result.stderr == NO_DISPLAY_HINT, repr(result.stderr)


TESTS = [
    test_space_after_launch_keeps_serving,
    test_quit_with_client_asks,
    test_every_control_named,
    test_log_follows_past_cap,
    test_ctrl_z_undoes_clear,
    test_no_display_hint,
]


def run_tests(tap):
    only = sys.argv[1:]
    tests = [t for t in TESTS if not only or t.__name__ in only]
    print(f'1..{len(tests)}', file=tap, flush=True)
    failed = 0
    for number, test in enumerate(tests, 1):
        try:
            test()
            print(f'ok {number} - {test.__name__}', file=tap, flush=True)
        except Exception:  # noqa: BLE001 - every failure is reported in TAP
            failed += 1
            for line in traceback.format_exc().splitlines():
                print(f'# {line}', file=tap, flush=True)
            print(f'not ok {number} - {test.__name__}', file=tap, flush=True)
    return 1 if failed else 0


def main():
    """On a session bus of its own, whose daemons print to their stdout:
    the TAP stream goes through a descriptor of its own."""
    if 'SSE_HUB_TAP_FD' in os.environ:
        with os.fdopen(int(os.environ['SSE_HUB_TAP_FD']), 'w') as tap:
            return run_tests(tap)

    tap_fd = os.dup(sys.stdout.fileno())
    env = dict(os.environ, SSE_HUB_TAP_FD=str(tap_fd))
    return subprocess.run(['dbus-run-session', '--', sys.executable, __file__] + sys.argv[1:],
                          env=env, stdout=sys.stderr, pass_fds=(tap_fd,)).returncode


if __name__ == '__main__':
    sys.exit(main())
