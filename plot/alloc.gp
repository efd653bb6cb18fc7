# plot/alloc.gp - hot alloc+free pair cost per allocator and object size.
name = 'alloc'
load 'plot/common.gp'
set title sprintf("kmem_cache_alloc + kmem_cache_free, hot (%s)", mode)
set xlabel "object size (bytes)"
set ylabel "p50 per pair (TSC ticks; icount: instructions)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set logscale y
set key outside right top
set grid ytics
plot for [c=2:(words(series) + 1)] sprintf("%s/alloc.dat", dir) using c:xtic(1) title word(series, c - 1)
