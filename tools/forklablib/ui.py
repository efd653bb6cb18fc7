"""What forklab tells the person running it on stderr: one-line warnings,
and how far a run has got."""
import sys
import time


def warn(msg):
    print(msg, file=sys.stderr, flush=True)


class Progress:
    """Configuration k of N of a run, elapsed time and an estimate of what is
    left. N is what the kernel's `plan` record says it will run, k counts the
    `config` records that really came. On a terminal a bar redrawn in place;
    elsewhere a plain line at every tenth of the way and one at the end.
    Nothing at all when the run has no configurations."""
    WIDTH = 30

    def __init__(self, stream=None, clock=time.monotonic):
        self.stream = stream or sys.stderr
        self.tty = self.stream.isatty()
        self.clock, self.start = clock, clock()
        self.total, self.started, self.tenths = None, 0, 0

    def plan(self, total):
        self.total = total

    def config(self):
        """One more configuration started (so the one before it ended)."""
        self.started += 1
        if self.tty:
            self.draw(self.started - 1)
        elif self.total and self.started > 1:
            tenths = 10 * (self.started - 1) // self.total
            if tenths > self.tenths:
                self.tenths = tenths
                self.line(self.started - 1)

    def done(self):
        """The run ended: the last line counts every configuration that ran."""
        if not self.started and not self.total:
            return
        if self.tty:
            self.draw(self.started, final=True)
            self.stream.write("\n")
            self.stream.flush()
        else:
            self.line(self.started, final=True)

    def words(self, finished, final=False):
        el = self.clock() - self.start
        total = f"/{self.total}" if self.total is not None else ""
        text = f"configuration {self.started if final else max(self.started, 1)}{total}, " \
               f"{el:.0f} s elapsed"
        if not final and self.total and finished:
            text += f", ~{max(el / finished * (self.total - finished), 0):.0f} s left"
        return text

    def draw(self, finished, final=False):
        done = self.WIDTH * min(finished, self.total or 0) // max(self.total or 1, 1)
        self.stream.write(f"\r[{'#' * done}{'.' * (self.WIDTH - done)}] "
                          f"{self.words(finished, final)} ")
        self.stream.flush()

    def line(self, finished, final=False):
        self.stream.write(f"forklab run: {self.words(finished, final)}\n")
        self.stream.flush()
