"""forklab host tooling: boot the kernel under QEMU, decode how it ended,
collect benchmark results."""
