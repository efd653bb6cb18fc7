"""What forklab tells the person running it on stderr: one-line warnings,
and how far a run has got."""
import sys
import threading
import time


def warn(msg):
    print(msg, file=sys.stderr, flush=True)


def group(n):
    """@n with its digits in groups of three, "25 220" (the README's way)."""
    if isinstance(n, float) and not n.is_integer():
        return f"{n:,.1f}".replace(",", " ")
    return f"{int(n):,}".replace(",", " ")


class Progress:
    """Configuration k of N of a run, elapsed time and an estimate of what is
    left, over the QEMU processes of a run (forklab run -j), part i of
    kind @kinds[i]. N is what the kernel's `plan` records say: the sum of
    the parts' plans, with a part that has not booted yet counted at the
    plan of a booted part of its kind (the fork shards of a run all plan
    alike), or 0 while none has; k counts the `config` records that really
    came. On a terminal a bar redrawn in place; elsewhere a plain line at
    every tenth of the way and one at the end. Nothing at all when the run
    has no configurations. Parts report from their own threads."""
    WIDTH = 30

    def __init__(self, stream=None, clock=time.monotonic, kinds=(0,)):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.clock, self.start = clock, clock()
        self.kinds, self.plans, self.started, self.ended = list(kinds), {}, {}, set()
        self.tenths = 0
        self.lock = threading.Lock()

    @property
    def total(self):
        if not self.plans:
            return None
        of_kind = {}
        for part, n in self.plans.items():
            of_kind[self.kinds[part]] = max(n, of_kind.get(self.kinds[part], 0))
        return sum(self.plans.get(p, of_kind.get(k, 0)) for p, k in enumerate(self.kinds))

    def count(self):
        return sum(self.started.values())

    def finished(self):
        """Configurations over: all of an ended part's, all but the running
        one of the others'."""
        return sum(n if p in self.ended else max(n - 1, 0) for p, n in self.started.items())

    def plan(self, total, part=0):
        with self.lock:
            self.plans[part] = total

    def config(self, part=0):
        """One more configuration of @part started (so its one before ended)."""
        with self.lock:
            self.started[part] = self.started.get(part, 0) + 1
            self.show()

    def part_done(self, part=0):
        """@part's QEMU is gone: its last configuration is over too."""
        with self.lock:
            self.ended.add(part)
            self.show()

    def show(self):
        if not self.count():		# nothing has started yet
            return
        if self.tty:
            self.draw()
        elif self.total:
            tenths = 10 * self.finished() // self.total
            if tenths > self.tenths and self.finished() < self.total:
                self.tenths = tenths
                self.line()

    def done(self):
        """The run ended: the last line counts every configuration that ran."""
        with self.lock:
            if not self.count() and not self.total:
                return
            self.ended.update(self.started)
            if self.tty:
                self.draw(final=True)
                self.stream.write("\n")
                self.stream.flush()
            else:
                self.line(final=True)

    def words(self, final=False):
        el, finished, total = self.clock() - self.start, self.finished(), self.total
        text = f"configuration {self.count()}{f'/{total}' if total is not None else ''}, " \
               f"{el:.0f} s elapsed"
        if not final and total and finished:
            text += f", ~{max(el / finished * (total - finished), 0):.0f} s left"
        return text

    def draw(self, final=False):
        total = self.total or 0
        done = self.WIDTH * min(self.finished(), total) // max(total, 1)
        self.stream.write(f"\r[{'#' * done}{'.' * (self.WIDTH - done)}] {self.words(final)} ")
        self.stream.flush()

    def line(self, final=False):
        self.stream.write(f"forklab run: {self.words(final)}\n")
        self.stream.flush()
