#!/usr/bin/env python3
"""tests/tools/render_report.py RUN [OUT.png] - load RUN/report.html in
headless Chromium, in a 1280-pixel-wide window, through its DevTools
protocol (--remote-debugging-pipe), and check what a reader sees: the page
does not scroll sideways, every figure image loaded (one per .svg of the
run) with a "How to read" line under it, the summary table comes before the
first figure, and the metadata names the host, mode, QEMU and commit. Then a
full-page screenshot, which must not be blank. Exit 0 if all holds, 1 if
not, 2 for bad arguments, 77 when Chromium is absent (`make deps` installs
it)."""
import base64
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib

WIDTH = 1280			# the window the report must fit without scrolling sideways
SHOT_HEIGHT_MAX = 6000		# the screenshot's height at most (the page is longer)
TIMEOUT_S = 60

# what the page holds, measured inside Chromium once it has loaded
MEASURE = """JSON.stringify({
  scrollWidth: document.documentElement.scrollWidth,
  innerWidth: window.innerWidth,
  height: document.documentElement.scrollHeight,
  figures: Array.from(document.querySelectorAll('figure')).map(f => {
    const img = f.querySelector('img'), cap = f.querySelector('figcaption');
    return {id: f.id, loaded: !!img && img.complete && img.naturalWidth > 0,
            width: img ? img.getBoundingClientRect().width : 0,
            caption: cap ? cap.textContent : ''};
  }),
  tableBeforeFigures: (() => {
    const t = document.querySelector('table'), f = document.querySelector('figure');
    return !!t && (!f || !!(t.compareDocumentPosition(f) & Node.DOCUMENT_POSITION_FOLLOWING));
  })(),
  text: document.body.innerText
})"""


class Browser:
    """Headless Chromium driven over its DevTools pipe (fd 3 in, fd 4 out:
    JSON messages, each ended by a NUL byte)."""

    def __init__(self, exe):
        self.profile = tempfile.mkdtemp(prefix="forklab-chromium-")
        to_child, self.cmd_w = os.pipe()
        self.resp_r, from_child = os.pipe()

        def fds():			# the pipe ends as the child's fds 3 and 4
            a, b = os.dup(to_child), os.dup(from_child)
            os.dup2(a, 3)
            os.dup2(b, 4)
        self.proc = subprocess.Popen(
            [exe, "--headless=new", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
             "--remote-debugging-pipe", "--user-data-dir=" + self.profile, "about:blank"], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE, preexec_fn=fds, pass_fds=(3, 4))
        os.close(to_child)
        os.close(from_child)
        self.buf, self.next_id, self.events = b"", 0, []

    def recv(self):
        while b"\0" not in self.buf:
            chunk = os.read(self.resp_r, 1 << 20)
            if not chunk:
                raise RuntimeError("Chromium closed its DevTools pipe: " +
                                   self.proc.stderr.read().decode(errors="replace")[-300:])
            self.buf += chunk
        msg, self.buf = self.buf.split(b"\0", 1)
        return json.loads(msg)

    def call(self, method, session=None, **params):
        self.next_id += 1
        msg = {"id": self.next_id, "method": method, "params": params}
        if session:
            msg["sessionId"] = session
        os.write(self.cmd_w, json.dumps(msg).encode() + b"\0")
        while True:
            m = self.recv()
            if m.get("id") == self.next_id:
                if "error" in m:
                    raise RuntimeError(f"{method}: {m['error']}")
                return m["result"]
            self.events.append(m)

    def wait_event(self, method):
        while True:
            for i, m in enumerate(self.events):
                if m.get("method") == method:
                    return self.events.pop(i)
            self.events.append(self.recv())

    def close(self):
        try:
            self.call("Browser.close")
        except (RuntimeError, OSError):
            pass
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        shutil.rmtree(self.profile, ignore_errors=True)


def render(exe, url, png):
    """(the page's MEASURE, a PNG of its first SHOT_HEIGHT_MAX pixels in @png)."""
    b = Browser(exe)
    try:
        target = b.call("Target.createTarget", url="about:blank")["targetId"]
        s = b.call("Target.attachToTarget", targetId=target, flatten=True)["sessionId"]
        b.call("Page.enable", s)
        b.call("Emulation.setDeviceMetricsOverride", s, width=WIDTH, height=800,
               deviceScaleFactor=1, mobile=False)
        b.call("Page.navigate", s, url=url)
        b.wait_event("Page.loadEventFired")
        got = json.loads(b.call("Runtime.evaluate", s, expression=MEASURE,
                                returnByValue=True)["result"]["value"])
        height = min(got["height"], SHOT_HEIGHT_MAX)
        b.call("Emulation.setDeviceMetricsOverride", s, width=WIDTH, height=height,
               deviceScaleFactor=1, mobile=False)
        shot = b.call("Page.captureScreenshot", s, format="png")["data"]
        with open(png, "wb") as f:
            f.write(base64.b64decode(shot))
        return got
    finally:
        b.close()


def decode_png(path):
    """(width, height, rows of RGB tuples, every 4th pixel) for an 8-bit,
    non-interlaced RGB or RGBA PNG, the kind Chromium writes."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError(f"{path} is not a PNG")
    pos, idat, width = 8, b"", 0
    while pos < len(data):
        length, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            width, height, depth, colour, _, _, interlace = struct.unpack(">IIBBBBB", chunk)
            if depth != 8 or colour not in (2, 6) or interlace:
                raise ValueError(f"{path}: unsupported PNG (depth {depth}, colour {colour})")
            bpp = 3 if colour == 2 else 4
        elif kind == b"IDAT":
            idat += chunk
        pos += 12 + length
    raw, stride, rows, prev = zlib.decompress(idat), width * bpp, [], bytearray(width * bpp)
    for y in range(height):
        off = y * (stride + 1)
        ftype, line = raw[off], bytearray(raw[off + 1:off + 1 + stride])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ftype == 1:
                line[i] = (line[i] + a) & 0xff
            elif ftype == 2:
                line[i] = (line[i] + b) & 0xff
            elif ftype == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xff
            elif ftype == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else c)) & 0xff
        rows.append([tuple(line[x * bpp:x * bpp + 3]) for x in range(0, width, 4)])
        prev = line
    return width, height, rows


def problems(got, run):
    """What is wrong with the page @got measured, for run directory @run."""
    out = []
    if got["scrollWidth"] > got["innerWidth"]:
        out.append(f"the page is {got['scrollWidth']} px wide in a {got['innerWidth']} px "
                   "window: it scrolls sideways")
    svgs = sorted(n[:-4] for n in os.listdir(run) if n.endswith(".svg"))
    ids = sorted(f["id"] for f in got["figures"])
    if ids != svgs:
        out.append(f"figures {ids}, but the run has {svgs}")
    for f in got["figures"]:
        if not f["loaded"] or f["width"] < 300:
            out.append(f"figure {f['id']} did not load (or is {f['width']:.0f} px wide)")
        if not f["caption"].startswith("How to read:"):
            out.append(f"figure {f['id']} has no 'How to read' line")
    if not got["tableBeforeFigures"]:
        out.append("the summary table is not above the figures")
    for word in ("host ", "mode ", "QEMU", "commit "):
        if word not in got["text"]:
            out.append(f"the page does not say its {word.strip()}")
    return out


def main(argv):
    if len(argv) not in (2, 3):
        print("usage: tests/tools/render_report.py RUN [OUT.png]", file=sys.stderr)
        return 2
    run = os.path.abspath(argv[1])
    report = os.path.join(run, "report.html")
    if not os.path.exists(report):
        print(f"render: {report} does not exist", file=sys.stderr)
        return 2
    exe = shutil.which("chromium") or shutil.which("chromium-browser")
    if not exe:
        print("render: Chromium is not installed (make deps installs it)")
        return 77
    png = os.path.abspath(argv[2] if len(argv) > 2 else os.path.join(run, "report.png"))
    try:
        got = render(exe, "file://" + report, png)
    except (RuntimeError, OSError) as e:
        print(f"render: Chromium failed: {e}")
        return 1
    width, height, rows = decode_png(png)
    pixels = [p for row in rows for p in row]
    inked = sum(1 for p in pixels if sum(p) < 720) / len(pixels)
    colours = len(set(pixels))
    print(f"render: {report} at {WIDTH} px: {got['scrollWidth']} px wide, {got['height']} px "
          f"tall, {len(got['figures'])} figures; {png}: {width}x{height}, {inked:.1%} of "
          f"sampled pixels inked, {colours} colours")
    bad = problems(got, run)
    if inked < 0.03 or colours < 20:
        bad.append("the screenshot looks blank or has no plots")
    for p in bad:
        print(f"render: {p}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
