"""The serial protocol: every record that forklab's kernel and its benchmark
program print, declared once in SCHEMA, and the one parser of them.

A record is one line `name,field,field,...`. Each row of SCHEMA gives one
shape a record comes in: its name, a kind (which of the record's shapes it
is; "-" for a record of one shape), what the parser does with a line of
that name that fits none of its shapes ("skip" it, or "reject" it:
ProtocolError; all shapes of a record say the same), and its fields. A line
whose name is not in SCHEMA (the kernel's prose, Linux's boot messages) is
not a record and is ignored.

Fields, in the order the line holds them:
  name          a value (text without commas)
  name:int      an integer value
  name=text     a key/value pair: the line holds `name,<value>`
  name=int      ... with an integer value
  'word'        the literal word (tells a record's shapes apart)
  name*int      the rest of the line as key/value pairs, integer values
  name...       the rest of the line as one free text (commas included);
                a record has at most one, and it is last
A line must hold every field of a shape, and nothing more, to have it."""

SCHEMA_TABLE = """
# name      kind          if bad  fields (an indented line goes on with the fields above)
tsc         -             skip    khz=int source=text invariant=int
timer       -             skip    overhead_min=int overhead_p50=int unit
user_timer  -             skip    overhead_min=int overhead_p50=int unit
tsc_close   -             skip    name...
probe       overhead      skip    overhead=int unit
probe       compiled_out  skip    'compiled_out'
pmu         available     skip    'available' info*int
pmu         unavailable   skip    'unavailable' why...
pmu         totals        skip    op=text counts*int
strategy    -             reject  family name desc...
default     -             reject  family name
key         -             reject  name desc...
accepts     -             reject  name text...
bench       start         reject  name 'start'
bench       columns       reject  'op' names...
bench       list          reject  name varies desc...
op          -             reject  name nr:int until:int desc...
spawn_op    -             reject  name desc...
phase       -             reject  name desc...
plan        -             reject  configs=int
accel       -             reject  rdtsc=int pte_write=int cr3=int unit
config      -             skip    op=text alloc=text pt=text pid=text rss_pages=int
result      -             skip    op rss_pages:int n:int min:int p50:int p90:int p99:int
                                  max:int mean:int unit
spawn       -             skip    op rss_pages:int n:int min:int p50:int p90:int p99:int
                                  max:int mean:int unit
spawn_unavailable -       skip    op rss_pages:int call err:int
sample      -             skip    op rss_pages:int cycles:int
window      -             skip    op rss_pages:int start:int end:int
child_run   -             skip    n=int p50=int p90=int
pmu_call    -             skip    n=int counts*int
phases      -             skip    n=int phases*int
alloc       error         skip    'error' what...
alloc       -             skip    op alloc size:int n:int min:int p50:int p90:int p99:int
                                  max:int mean:int stddev:int unit
pid         columns       skip    'op' names...
pid         error         skip    'error' what...
pid         -             skip    op pid live:int n:int min:int p50:int p90:int p99:int max:int
                                  mean:int stddev:int unit
scale       -             skip    op tasks:int i:int iters:int ticks:int
tlb         -             skip    threads:int n:int min:int p50:int max:int unit
parent      -             skip    op rss_pages:int live:int n:int min:int p50:int p90:int p99:int
                                  max:int mean:int unit
lock        -             skip    name acquisitions:int contended:int spins:int
error       -             skip    what...
kallsyms    begin         skip    'begin'
kallsyms    end           skip    'end'
# the virtual PMU plugin's records (tools/vpmu; its file, not the serial line)
vpmu        model         skip    'model' params*text
vpmu        stats         skip    'stats' stream seq:int scope n=int per=int counts*int
vpmu        window        skip    'window' stream seq:int idx:int kind counts*int
vpmu        timer         skip    'timer' stream seq:int counts*int
vpmu        end           skip    'end' counts*int
vpmu        error         skip    'error' what...
# the init of forklab nested's L1 (tools/nested/init.c)
nested      start         skip    'start'
nested      exit          skip    'exit' code:int
nested      signal        skip    'signal' signo:int
nested      fail          skip    'fail' step what...
nested      line          skip    dump text...
"""

TYPES = {"int": int, "text": str}


class ProtocolError(Exception):
    """A record that SCHEMA says must be whole came truncated or malformed."""


class Record:
    """One parsed line: @name and @kind as in SCHEMA, @fields by field name
    (rec["p50"]), @line as the kernel printed it."""
    __slots__ = ("name", "kind", "fields", "line")

    def __init__(self, name, kind, fields, line):
        self.name, self.kind, self.fields, self.line = name, kind, fields, line

    def __getitem__(self, field):
        return self.fields[field]

    def get(self, field, default=None):
        return self.fields.get(field, default)

    def is_a(self, name, kind="-"):
        return self.name == name and self.kind == kind

    def __repr__(self):
        return f"Record({self.name!r}, {self.kind!r}, {self.fields!r})"


class Shape:
    """One row of SCHEMA: fields as (how, field name, type) with how one of
    "value", "pair", "literal", "pairs", "text"."""

    def __init__(self, name, kind, spec, bad):
        self.name, self.kind, self.bad, self.spec = name, kind, bad, spec
        self.fields = []
        for i, tok in enumerate(spec.split()):
            if tok.startswith("'"):
                self.fields.append(("literal", tok.strip("'"), None))
            elif tok.endswith("..."):
                if i != len(spec.split()) - 1:
                    raise ValueError(f"{name}: free text {tok} is not the last field")
                self.fields.append(("text", tok[:-3], str))
            elif "*" in tok:
                field, typ = tok.split("*")
                self.fields.append(("pairs", field, TYPES[typ]))
            elif "=" in tok:
                field, typ = tok.split("=")
                self.fields.append(("pair", field, TYPES[typ]))
            else:
                field, _, typ = tok.partition(":")
                self.fields.append(("value", field, TYPES[typ or "text"]))

    def match(self, f):
        """The fields of @f (the line's fields after its name) by name, or
        None when the line does not have this shape."""
        out, i = {}, 0
        try:
            for how, field, typ in self.fields:
                if how == "literal":
                    if i >= len(f) or f[i] != field:
                        return None
                    i += 1
                elif how == "value":
                    if i >= len(f):
                        return None
                    out[field], i = typ(f[i]), i + 1
                elif how == "pair":
                    if i + 1 >= len(f) or f[i] != field:
                        return None
                    out[field], i = typ(f[i + 1]), i + 2
                elif how == "pairs":
                    rest = f[i:]
                    if len(rest) % 2:
                        return None
                    out[field], i = {k: typ(v) for k, v in zip(rest[::2], rest[1::2])}, len(f)
                else:				# free text: present, perhaps empty
                    if i >= len(f):
                        return None
                    out[field], i = ",".join(f[i:]), len(f)
        except ValueError:			# not an integer where one belongs
            return None
        return out if i == len(f) else None


def load_schema(table=SCHEMA_TABLE):
    """record name -> [Shape], in the table's order (the first that fits wins)."""
    rows = []
    for line in table.splitlines():
        if line.strip() and not line.startswith("#"):
            if line[0].isspace():
                rows[-1] += line			# more fields of the row above
            else:
                rows.append(line)
    schema = {}
    for row in rows:
        cols = row.split()
        name, kind, bad, spec = cols[0], cols[1], cols[2], " ".join(cols[3:])
        if bad not in ("skip", "reject"):
            raise ValueError(f"{name}: 'if bad' is {bad}, not skip or reject")
        shapes = schema.setdefault(name, [])
        if shapes and shapes[0].bad != bad:
            raise ValueError(f"{name}: its shapes disagree on skip/reject")
        shapes.append(Shape(name, kind, spec, bad))
    return schema


SCHEMA = load_schema()


def parse_line(line, schema=SCHEMA):
    """The Record in @line, or None (not a record, or a bad one the schema
    says to skip); ProtocolError for a bad one it says to reject."""
    line = line.strip()
    name, *f = line.split(",")
    shapes = schema.get(name)
    if not shapes:
        return None
    for shape in shapes:
        fields = shape.match(f)
        if fields is not None:
            return Record(name, shape.kind, fields, line)
    if shapes[0].bad == "reject":
        expected = " or ".join(f"{name} {s.spec}" for s in shapes)
        raise ProtocolError(f"the kernel printed a malformed '{name}' record: '{line}' "
                            f"(expected: {expected})")
    return None


def parse(lines, schema=SCHEMA):
    """The records among @lines, in order."""
    for line in lines:
        rec = parse_line(line, schema)
        if rec is not None:
            yield rec
