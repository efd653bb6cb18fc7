# plot/vpmu_rss.gp - a fork's hardware-style instructions (left) and
# modelled L1D and DTLB misses (right) per resident page against resident
# size, one curve per page-table strategy and Linux's ("linux"), log-log.
name = 'vpmu_rss'
load 'plot/common.gp'
# series (from the caller): the vpmu_rss-SERIES.dat files to draw
set multiplot layout 1,2 title sprintf("fork per resident page, virtual PMU (%s; %s)", mode, subtitle)
set logscale xy
set xtics ("4K" 4, "64K" 64, "1M" 1024, "16M" 16384, "256M" 262144) font ",8"
set xlabel "resident memory before fork (KiB)"
set key top right font ",8"
curve_title(s) = s eq "linux" ? "Linux 6.1" : sprintf("pt=%s", s)
file(i) = sprintf("%s/vpmu_rss-%s.dat", dir, word(series, i))
set ylabel "instructions retired per page (a rep once)"
plot for [i=1:words(series)] file(i) using 1:2 with linespoints lw 2 lc i title curve_title(word(series, i))
set ylabel "misses per page: L1D (solid), DTLB (dashed)"
plot for [i=1:words(series)] file(i) using 1:($3 > 0 ? $3 : 1/0) with linespoints lw 2 lc i \
	title curve_title(word(series, i)), \
	for [i=1:words(series)] file(i) using 1:($4 > 0 ? $4 : 1/0) with linespoints lw 1 lc i dashtype 2 notitle
unset multiplot
