# plot/vpmu_fork.gp - the virtual PMU's modelled misses of a 1-page fork
# from user space (p50 per counter), grouped by allocator.
name = 'vpmu_fork'
load 'plot/common.gp'
# series (from the caller): vpmu_fork.dat's counter columns, after the allocator
set title sprintf("misses per fork by allocator, virtual PMU (%s; %s)", mode, subtitle)
set ylabel "p50 per fork (modelled: 32K L1D, 256K L2, 8M LLC, 64-entry DTLB)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set key outside right top
set grid ytics
plot for [c=2:(words(series) + 1)] sprintf("%s/vpmu_fork.dat", dir) using c:xtic(1) title columnhead(c)
