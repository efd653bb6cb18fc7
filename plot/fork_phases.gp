# plot/fork_phases.gp - where copy_process spends its time: stacked p50 of
# each phase, one bar per allocator.
name = 'fork_phases'
load 'plot/common.gp'
# ncolumns (from the caller): phases.dat's columns, the allocator's name first
set title sprintf("copy_process phases per allocator (%s; %s)", mode, subtitle)
set ylabel "p50 per phase (TSC ticks; icount: instructions)"
set style data histograms
set style histogram rowstacked
set style fill solid 0.8 border -1
set boxwidth 0.6
set key outside right top
set xtics nomirror
set grid ytics
plot for [c=2:ncolumns] sprintf("%s/phases.dat", dir) using c:xtic(1) title columnhead(c)
