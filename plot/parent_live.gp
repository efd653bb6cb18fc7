# plot/parent_live.gp - bench=parent: fork (p50) against the parent's VMAs
# (left) and its other threads (right). Callers set: series (the ops
# present: fork-vmas, fork-threads), subtitle; data in parent-OP.dat: VMAs or threads, p50.
name = 'parent_live'
load 'plot/common.gp'
set multiplot layout 1, words(series) title sprintf("fork against the parent's VMAs and threads (%s)", subtitle)
set ylabel "p50 from user space (TSC ticks; icount: instructions)"
set format y "%.1s%c"
set key off
do for [s in series] {
	if (s eq "fork-vmas") {
		set logscale x; set xlabel "separate VMAs (one page each)"; set offsets 0, 0, 0, 0
	} else {
		unset logscale x; set xlabel "other threads in the parent"; set offsets 1, 1, 0, 0
	}
	plot sprintf("%s/parent-%s.dat", dir, s) using 1:2 with linespoints lw 2
}
unset multiplot
