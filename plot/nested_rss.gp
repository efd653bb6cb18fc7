# plot/nested_rss.gp - fork p50 against resident size, one curve per
# environment and page-table strategy: bare icount (solid), forklab under a
# genuine kvm_amd with nested paging (dashed) and with shadow paging
# (dotted); series are named ENV-PT (bare-cow, kvm-npt-share, ...), log-log.
name = 'nested_rss'
load 'plot/common.gp'
set title sprintf("fork() vs resident size: bare, KVM+NPT, KVM+shadow paging (%s)", subtitle)
set xlabel "resident memory before fork (KiB)"
set ylabel "p50 from user space (instructions: the CPU's, KVM's included)"
set logscale xy
set xtics ("4K" 4, "16K" 16, "64K" 64, "256K" 256, "1M" 1024, "4M" 4096, "16M" 16384, "64M" 65536, "256M" 262144, "1G" 1048576)
set format y "%.0s%c"
set key outside right top
env(s) = strstrt(s, "kvm-shadow") ? 3 : strstrt(s, "kvm-npt") ? 2 : 1
pt(s) = strstrt(s, "-cow") ? 1 : strstrt(s, "-copy") ? 2 : 3
envname(s) = env(s) == 3 ? "KVM shadow" : env(s) == 2 ? "KVM NPT" : "bare"
ptname(s) = pt(s) == 1 ? "cow" : pt(s) == 2 ? "copy" : "share"
plot for [s in series] sprintf("%s/rss-%s.dat", dir, s) using 1:2 with linespoints lw 2 \
	linecolor pt(s) dashtype env(s) pointtype env(s) \
	title sprintf("%s, pt=%s", envname(s), ptname(s))
