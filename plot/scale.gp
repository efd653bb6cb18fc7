# plot/scale.gp - fork throughput against tasks on their own CPUs, one
# panel per op, a line per allocator; dashed: that allocator's 1-task rate
# times the tasks (linear scaling). Under icount (ylab says so) the panels
# draw instructions per op instead: there, CPUs take turns.
# Callers set: ops (the ops, one panel each), series (allocators), ylab,
# subtitle; data in scale-OP.dat: tasks, then a value and a linear column
# per allocator.
name = 'scale'
load 'plot/common.gp'
if (term eq 'svg') set terminal svg size 1200,450 dynamic font "sans,11" background rgb "white"; \
else set terminal pngcairo size 1200,450 font "sans,10"
set output sprintf("%s/%s.%s", dir, name, term)
n = words(series)
set multiplot layout 1, words(ops) title sprintf("fork on several CPUs at once (%s)", subtitle)
set xlabel "tasks, each pinned to its own CPU"
set ylabel ylab
set xtics 1
set key top left
do for [o = 1:words(ops)] {
    op = word(ops, o)
    set title op
    plot for [c = 1:n] sprintf("%s/scale-%s.dat", dir, op) using 1:(column(c + 1)) \
            with linespoints lt c lw 2 title word(series, c), \
         for [c = 1:n] sprintf("%s/scale-%s.dat", dir, op) using 1:(column(n + c + 1)) \
            with lines lt c dt 2 notitle
}
unset multiplot
