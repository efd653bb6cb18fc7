# plot/pid.gp - alloc_pid + find_pid + free_pid against live pids, per strategy.
name = 'pid'
load 'plot/common.gp'
set title sprintf("pid alloc+find+free vs live pids (%s)", mode)
set xlabel "live pids"
set ylabel "p50 (TSC ticks; icount: instructions)"
set logscale xy
plot for [s in series] sprintf("%s/pid-%s.dat", dir, s) using 1:2 with linespoints lw 2 title sprintf("pid=%s", s)
