# plot/parent_rss.gp - bench=parent: fork (p50) against the parent's
# resident memory: 4 KiB pages dirty, clean (the zero page), 2 MiB pages;
# forklab's solid, Linux's (lseries) dashed in the same colours.
# Callers set: series, lseries (the ops of each side; lseries may be ""),
# subtitle, lsubtitle (Linux's: its kernel, mode, n); data in
# parent-OP.dat and parent-linux-OP.dat: KiB resident, p50.
name = 'parent_rss'
load 'plot/common.gp'
set title sprintf("fork against the parent's resident memory (%s)", subtitle)
set xlabel "resident memory before fork"
set ylabel "p50 from user space (TSC ticks; icount: instructions)"
set logscale xy
set xtics ("4K" 4, "64K" 64, "1M" 1024, "2M" 2048, "8M" 8192, "32M" 32768, "128M" 131072, "512M" 524288, "1G" 1048576)
set format y "%.0s%c"
curve_title(s) = s eq "fork-dirty" ? "4 KiB pages, written before each fork" : \
	s eq "fork-clean" ? "4 KiB pages, only read (zero page)" : \
	s eq "fork-thp" ? "2 MiB pages (thp=always), written" : s
colour(s) = s eq "fork-dirty" ? 1 : s eq "fork-clean" ? 2 : 3
linux = words(lseries) > 0
plot for [s in series] sprintf("%s/parent-%s.dat", dir, s) using 1:2 with linespoints \
	lt colour(s) lw 2 title curve_title(s), \
     for [s in lseries] sprintf("%s/parent-linux-%s.dat", dir, s) using 1:2 with linespoints \
	lt colour(s) lw 2 dt 2 pt 6 notitle, \
     for [i = 1:(linux ? 2 : 0)] NaN with lines lc "black" lw 2 dt i \
	title (i == 1 ? "solid: forklab" : "dashed: ".lsubtitle)
