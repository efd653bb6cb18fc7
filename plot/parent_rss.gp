# plot/parent_rss.gp - bench=parent: fork (p50) against the parent's
# resident memory: 4 KiB pages dirty, clean (the zero page), 2 MiB pages.
# Callers set: series (ops), subtitle; data in parent-OP.dat: KiB resident, p50.
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
plot for [s in series] sprintf("%s/parent-%s.dat", dir, s) using 1:2 with linespoints lw 2 \
	title curve_title(s)
