# plot/spawn.gp - the shape of "A fork() in the road" (HotOS 2019): what
# starting a program costs against the parent's resident size (log-log), one
# line per method: solid, from the call until the child (which exec'ed the
# program itself and exited) is reaped; dashed, until the parent can go on.
# Thread lines (pthread-create, clone-thread, from a threads.csv): solid
# until joined, dashed until the creating call has returned.
# One panel per side (forklab, Linux). Callers set: panels (the sides' names,
# e.g. "forklab linux"), title1.., methods1.. (the methods of each side),
# note1.. (a side with no methods: why); data in rss-spawn-SIDE-OP.dat.
name = 'spawn'
load 'plot/common.gp'
np = words(panels)
if (term eq 'svg') set terminal svg size (np > 1 ? 1300 : 800),520 dynamic font "sans,11" background rgb "white"; \
else set terminal pngcairo size (np > 1 ? 1300 : 800),520 font "sans,10"
set output sprintf("%s/%s.%s", dir, name, term)
set termoption noenhanced
set multiplot layout 1, np title "starting a program (or a thread) against the parent's size: solid = until reaped (a thread: joined), dashed = until the parent goes on"
set xlabel "parent's resident memory (KiB, dirty anonymous)"
set ylabel "p50 from user space (TSC ticks; icount: instructions)"
set logscale xy
set xtics ("4K" 4, "16K" 16, "64K" 64, "256K" 256, "1M" 1024, "4M" 4096, "16M" 16384, "64M" 65536, "256M" 262144, "1G" 1048576)
set format y "%.0s%c"
set xrange [2:2097152]
do for [p = 1:np] {
    side = word(panels, p)
    set title value(sprintf("title%d", p))
    m = value(sprintf("methods%d", p))
    if (words(m) == 0) {
        set label 1 value(sprintf("note%d", p)) at graph 0.5, 0.5 center
        set yrange [1:10]
        unset ytics
        plot NaN notitle
        unset label 1
        set ytics
        set autoscale y
    } else {
        plot for [i = 1:words(m)] sprintf("%s/rss-spawn-%s-%s-wait.dat", dir, side, word(m, i)) \
                using 1:2 with linespoints lt i lw 2 pt 7 title word(m, i), \
             for [i = 1:words(m)] sprintf("%s/rss-spawn-%s-%s.dat", dir, side, word(m, i)) \
                using 1:2 with linespoints lt i lw 1 dt 2 pt 6 notitle
    }
}
unset multiplot
