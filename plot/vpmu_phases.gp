# plot/vpmu_phases.gp - which step of copy_process misses the modelled L1D:
# stacked p50 L1D misses of each phase, one bar per allocator.
name = 'vpmu_phases'
load 'plot/common.gp'
# ncolumns (from the caller): vpmu_phases.dat's columns, the allocator's name first
set title sprintf("L1D misses per copy_process phase, virtual PMU (%s; %s)", mode, subtitle)
set ylabel "p50 L1D misses per phase (modelled)"
set style data histograms
set style histogram rowstacked
set style fill solid 0.8 border -1
set boxwidth 0.6
set key outside right top
set xtics nomirror
set grid ytics
plot for [c=2:ncolumns] sprintf("%s/vpmu_phases.dat", dir) using c:xtic(1) title columnhead(c)
