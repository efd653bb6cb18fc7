# plot/fork_ops.gp - fork, vfork and clone latency (p50 from user space)
# at one resident page, grouped by allocator.
name = 'fork_ops'
load 'plot/common.gp'
# ncolumns (from the caller): ops.dat's columns, the allocator's name first
set title sprintf("fork, vfork, clone per allocator (%s; %s)", mode, subtitle)
set ylabel "p50 (TSC ticks; icount: instructions)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set key outside right top
set grid ytics
plot for [c=2:ncolumns] sprintf("%s/ops.dat", dir) using c:xtic(1) title columnhead(c)
