#!/usr/bin/env python3
"""tests/tools/render_report.py RUN [OUT.png] - render RUN/report.html in headless
Chromium and check that it drew a page with plots: the screenshot must be
mostly not blank and hold many colours (the gnuplot curves), and Chromium
must report no error. Exit 0 if so, 1 if not, 77 when Chromium is absent
(`make report-check` installs it)."""
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zlib


def decode_png(path):
    """(width, height, rows of RGB tuples) for an 8-bit, non-interlaced
    RGB or RGBA PNG, the kind Chromium writes."""
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


def main(argv):
    if len(argv) < 2:
        print("usage: tests/tools/render_report.py RUN [OUT.png]", file=sys.stderr)
        return 2
    report = os.path.abspath(os.path.join(argv[1], "report.html"))
    if not os.path.exists(report):
        print(f"render: {report} does not exist", file=sys.stderr)
        return 2
    browser = shutil.which("chromium") or shutil.which("chromium-browser")
    if not browser:
        print("render: Chromium is not installed (make report-check installs it)")
        return 77
    out = argv[2] if len(argv) > 2 else os.path.join(tempfile.mkdtemp(), "report.png")
    r = subprocess.run([browser, "--headless=new", "--no-sandbox", "--disable-gpu",
                        "--hide-scrollbars", "--window-size=1200,2400",
                        f"--screenshot={os.path.abspath(out)}", "file://" + report],
                       capture_output=True, text=True, timeout=120)
    if r.returncode or not os.path.exists(out):
        print(f"render: Chromium failed (status {r.returncode}): {r.stderr.strip()[-500:]}")
        return 1
    width, height, rows = decode_png(out)
    pixels = [p for row in rows for p in row]
    inked = sum(1 for p in pixels if sum(p) < 720) / len(pixels)
    colours = len(set(pixels))
    print(f"render: {report} -> {out}: {width}x{height}, {inked:.1%} of sampled pixels inked, "
          f"{colours} colours")
    if inked < 0.03 or colours < 20:
        print("render: the page looks blank or has no plots")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
