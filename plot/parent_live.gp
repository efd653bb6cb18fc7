# plot/parent_live.gp - bench=parent: fork (p50) against the parent's VMAs
# (left) and its other threads (right); forklab's solid, Linux's (lseries)
# dashed, y logarithmic in the panels named in logy (the sides 10x apart).
# Callers set: series (the ops present: fork-vmas, fork-threads), lseries,
# logy, subtitle, lsubtitle; data in parent-OP.dat and parent-linux-OP.dat:
# VMAs or threads, p50.
name = 'parent_live'
load 'plot/common.gp'
set multiplot layout 1, words(series) title sprintf("fork against the parent's VMAs and threads (%s)", subtitle)
set ylabel "p50 from user space (TSC ticks; icount: instructions)"
has(list, s) = strstrt(" ".list." ", " ".s." ") > 0
linux = words(lseries) > 0
do for [k = 1:words(series)] {
	s = word(series, k)
	if (s eq "fork-vmas") {
		set logscale x; set xlabel "separate VMAs (one page each)"; set offsets 0, 0, 0, 0
	} else {
		unset logscale x; set xlabel "other threads in the parent"; set offsets 1, 1, 0, 0
	}
	if (has(logy, s)) { set logscale y; set format y "%.0s%c" } else { unset logscale y; set format y "%.1s%c" }
	if (k == words(series) && linux) { set key center right font ",9" } else { set key off }
	plot sprintf("%s/parent-%s.dat", dir, s) using 1:2 with linespoints lt 1 lw 2 title "forklab", \
	     for [t in (has(lseries, s) ? s : "")] sprintf("%s/parent-linux-%s.dat", dir, t) using 1:2 \
		with linespoints lt 1 lw 2 dt 2 pt 6 title lsubtitle
}
unset multiplot
