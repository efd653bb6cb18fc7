# plot/vpmu_alloc.gp - the allocator benchmark's modelled misses per
# kmem_cache_alloc + kmem_cache_free pair (64-byte objects), hot and cold.
name = 'vpmu_alloc'
load 'plot/common.gp'
set title sprintf("misses per alloc+free pair, hot and cold, virtual PMU (%s)", mode)
set ylabel "p50 per pair, 64-byte objects (modelled)"
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.8 border -1
set key outside right top
set grid ytics
plot for [c=2:5] sprintf("%s/vpmu_alloc.dat", dir) using c:xtic(1) title columnhead(c)
