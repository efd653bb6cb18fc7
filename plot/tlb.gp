# plot/tlb.gp - a 1-page fork's cost against the threads of the parent busy
# on other CPUs: each must flush its TLB (the shootdown IPI and its wait).
# Callers set: subtitle, ylab; data in tlb.dat: threads min p50 max.
name = 'tlb'
load 'plot/common.gp'
set title sprintf("fork with the parent's threads running elsewhere (%s)", subtitle)
set xlabel "parent's threads busy on other CPUs"
set ylabel ylab . " (log scale)"
set xtics 1
set offsets 0.3, 0.3, 0, 0
set logscale y		# a TCG run's max can be 1000x its p50
plot sprintf("%s/tlb.dat", dir) using 1:3:2:4 with yerrorlines lw 2 title "p50 (bars: min, max)", \
     "" using 1:3:(sprintf("%d", $3)) with labels offset 0,1 notitle
