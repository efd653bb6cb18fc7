"""Initramfs archives: the newc cpio the Linux kernel unpacks into its first
root file system, built from host files (forklab linux: the benchmark
program as /init; forklab nested: a whole inner QEMU). Archives can be
concatenated: the kernel unpacks one after the other into the same root."""
import os
import subprocess

CONSOLE = ("dev/console", 5, 1)		# the character device the kernel opens for /init


class LibraryError(Exception):
    """A shared library a binary needs cannot be found (ldd: "not found")."""


def cpio_newc(entries):
    """An uncompressed newc cpio archive of (name, mode, data, rdev_major,
    rdev_minor) entries, as the kernel's initramfs unpacker reads it."""
    out = bytearray()

    def pad4():
        out.extend(b"\0" * (-len(out) % 4))
    for ino, (name, mode, data, major, minor) in enumerate(
            list(entries) + [("TRAILER!!!", 0, b"", 0, 0)], start=1):
        fields = [ino, mode, 0, 0, 1, 0, len(data), 0, 0, major, minor, len(name) + 1, 0]
        out.extend(b"070701" + b"".join(b"%08X" % f for f in fields))
        out.extend(name.encode() + b"\0")
        pad4()
        out.extend(data)
        pad4()
    return bytes(out)


class Archive:
    """The entries of one archive, by path (no leading '/'); a file's
    folders are added before it."""

    def __init__(self):
        self.entries = {}

    def folder(self, path):
        parts = path.strip("/").split("/")
        for i in range(1, len(parts) + 1):
            name = "/".join(parts[:i])
            if name and name not in self.entries:
                self.entries[name] = (name, 0o040755, b"", 0, 0)

    def device(self, path, major, minor):
        """A character device node (mode 0600)."""
        path = path.strip("/")
        self.folder(os.path.dirname(path))
        self.entries[path] = (path, 0o020600, b"", major, minor)

    def file(self, path, data=None, source=None, mode=0o100755):
        """The file @path holding @data, or the bytes of host file @source."""
        path = path.strip("/")
        if data is None:
            with open(source, "rb") as f:
                data = f.read()
        self.folder(os.path.dirname(path))
        self.entries[path] = (path, mode, data, 0, 0)

    def console(self):
        self.device(*CONSOLE)

    def bytes(self):
        return cpio_newc(self.entries.values())


def shared_libraries(binary):
    """The absolute paths of what ld.so loads for @binary (ldd), the
    loader included; LibraryError names the first one ldd cannot find."""
    r = subprocess.run(["ldd", binary], capture_output=True, text=True)
    libs = []
    for line in r.stdout.splitlines():
        f = line.split()
        if "=>" in f and "not found" in line:
            raise LibraryError(f"{os.path.basename(binary)} needs {f[0]}, which ldd cannot find")
        path = f[2] if "=>" in f and len(f) > 2 else (f[0] if f else "")
        if path.startswith("/"):
            libs.append(path)
    if r.returncode or not libs:
        raise LibraryError(f"ldd {binary} failed: "
                           + ((r.stderr or r.stdout).strip().splitlines() or ["no output"])[-1])
    return libs
