# plot/fork_rss.gp - fork latency (p50, from user space) against resident
# size, one curve per page-table strategy, vfork's (dashed), and Linux's fork
# and vfork from a `forklab linux` run ("linux", "linux-vfork"), log-log.
name = 'fork_rss'
load 'plot/common.gp'
set title sprintf("fork() and vfork() latency vs resident size (%s; %s)", mode, subtitle)
set xlabel "resident memory before fork (KiB)"
set ylabel "p50 from user space (TSC ticks; icount: instructions)"
set logscale xy
set format x "%.0s%cB"
set xtics ("4K" 4, "16K" 16, "64K" 64, "256K" 256, "1M" 1024, "4M" 4096, "16M" 16384, "64M" 65536, "256M" 262144, "1G" 1048576)
set format y "%.0s%c"
curve_title(s) = s eq "linux" ? "Linux 6.1 fork (same mode)" : s eq "linux-vfork" ? "Linux 6.1 vfork" : \
	   s eq "vfork" ? "vfork (shares the mm)" : sprintf("fork, pt=%s", s)
plot for [s in series] sprintf("%s/rss-%s.dat", dir, s) using 1:2 with linespoints lw 2 \
	dashtype 1 + (s eq "vfork" || s eq "linux-vfork") title curve_title(s)
