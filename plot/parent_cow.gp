# plot/parent_cow.gp - bench=parent: what fork deferred, the child's first
# write to every page after one fork, summed (mean x n), against the
# parent's resident memory: 4 KiB pages, 2 MiB pages copied or split
# (forklab's thp_cow=copy|split); forklab's solid, Linux's dashed.
# Callers set: series, lseries, subtitle, lsubtitle; data in parent-OP.dat
# and parent-linux-OP.dat: KiB resident, the sum.
name = 'parent_cow'
load 'plot/common.gp'
set title sprintf("the first writes fork deferred, all of them (%s)", subtitle)
set xlabel "resident memory, every page written once by the child after fork"
set ylabel "sum of the first writes (TSC ticks; icount: instructions)"
set logscale xy
set xtics ("2M" 2048, "8M" 8192, "32M" 32768, "64M" 65536, "128M" 131072, "512M" 524288, "1G" 1048576)
set xrange [1024:2097152]
set format y "%.0s%c"
set key bottom right
curve_title(s) = s eq "cow-write-4k" ? "4 KiB pages: a 4 KiB copy each" : \
	s eq "cow-write-thp-copy" ? "2 MiB pages, thp_cow=copy: one 2 MiB copy each" : \
	s eq "cow-write-thp-split" ? "2 MiB pages, split, then 4 KiB copies (Linux's way)" : s
colour(s) = s eq "cow-write-4k" ? 1 : s eq "cow-write-thp-copy" ? 4 : 3
# points of a shape and size each: Linux's two lines lie on each other
marker(s) = s eq "cow-write-4k" ? 7 : s eq "cow-write-thp-copy" ? 5 : 9
size(s) = s eq "cow-write-4k" ? 1.6 : 1
linux = words(lseries) > 0
plot for [s in series] sprintf("%s/parent-%s.dat", dir, s) using 1:2 with linespoints \
	lt colour(s) lw 2 pt marker(s) ps size(s) title curve_title(s), \
     for [s in lseries] sprintf("%s/parent-linux-%s.dat", dir, s) using 1:2 with linespoints \
	lt colour(s) lw 2 dt 2 pt marker(s) - 1 ps size(s) + 0.4 notitle, \
     for [i = 1:(linux ? 2 : 0)] NaN with lines lc "black" lw 2 dt i \
	title (i == 1 ? "solid: forklab" : "dashed: ".lsubtitle)
