# plot/vpmu_spawn.gp - the spawn figure (spawn.gp) in the virtual PMU's
# counts: one row of panels per counter, one column per side (forklab,
# Linux), log-log against the parent's resident size, one colour per
# method; solid until the child is reaped, dashed until the parent goes on.
# Callers set: panels (the sides' names), counters (how many rows), label1..
# (each row's counter, in the data files' order from column 2), ymin1..,
# ymax1.. (each row's y range, the same for both sides), title1..,
# methods1.., note1.. (as spawn.gp's), mode; data in
# vpmu_spawn-SIDE-OP[-wait].dat.
name = 'vpmu_spawn'
load 'plot/common.gp'
np = words(panels)
nc = int(counters)
if (term eq 'svg') set terminal svg size (np > 1 ? 1300 : 800),(330 * nc + 60) dynamic font "sans,11" background rgb "white"; \
else set terminal pngcairo size (np > 1 ? 1300 : 800),(330 * nc + 60) font "sans,10"
set output sprintf("%s/%s.%s", dir, name, term)
set termoption noenhanced
set multiplot layout nc, np title sprintf("starting a program against the parent's size, virtual PMU (%s; p50 of each counter): solid = until reaped, dashed = until the parent goes on", mode)
set logscale xy
set xtics ("4K" 4, "16K" 16, "64K" 64, "256K" 256, "1M" 1024, "4M" 4096, "16M" 16384, "64M" 65536, "256M" 262144, "1G" 1048576) font ",8"
set format y "%.0s%c"
set xrange [2:2097152]
set key top left font ",8"
do for [c = 1:nc] {
    set ylabel value(sprintf("label%d", c))
    if (c == nc) { set xlabel "parent's resident memory (KiB, dirty anonymous)" } else { unset xlabel }
    do for [p = 1:np] {
        side = word(panels, p)
        set yrange [value(sprintf("ymin%d", c)) + 0 : value(sprintf("ymax%d", c)) + 0]
        if (c == 1) { set title value(sprintf("title%d", p)) } else { unset title }
        m = value(sprintf("methods%d", p))
        if (words(m) == 0) {
            set label 1 value(sprintf("note%d", p)) at graph 0.5, 0.5 center
            set yrange [1:10]
            unset ytics
            plot NaN notitle
            unset label 1
            set ytics
        } else {
            # a count of 0 has no place on a log axis: left out
            plot for [i = 1:words(m)] sprintf("%s/vpmu_spawn-%s-%s-wait.dat", dir, side, word(m, i)) \
                    using 1:(column(c + 1) > 0 ? column(c + 1) : 1/0) with linespoints lt i lw 2 pt 7 \
                    title (c == 1 ? word(m, i) : ""), \
                 for [i = 1:words(m)] sprintf("%s/vpmu_spawn-%s-%s.dat", dir, side, word(m, i)) \
                    using 1:(column(c + 1) > 0 ? column(c + 1) : 1/0) with linespoints lt i lw 1 dt 2 pt 6 notitle
        }
    }
}
unset multiplot
