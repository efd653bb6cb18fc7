# plot/cdf.gp - the distribution of one op's latency (from user space), one
# curve per allocator, log-x. Callers set op, series, subtitle, mode.
name = 'cdf-' . op
load 'plot/common.gp'
set title sprintf("%s latency CDF (%s; %s)", op, mode, subtitle)
set xlabel sprintf("%s latency (TSC ticks; icount: instructions)", op)
set ylabel "fraction of calls"
set logscale x
set yrange [0:1.02]
set key bottom right
plot for [s in series] sprintf("%s/cdf-%s-%s.dat", dir, op, s) using 1:2 with steps lw 2 title sprintf("alloc=%s", s)
