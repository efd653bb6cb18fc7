# plot/common.gp - terminal and style shared by every forklab figure.
# Callers set: dir (run directory), term (png|svg), name (figure name).
if (term eq 'svg') set terminal svg size 800,500 dynamic font "sans,11" background rgb "white"; \
else set terminal pngcairo size 800,500 font "sans,10"
set output sprintf("%s/%s.%s", dir, name, term)
set grid
set termoption noenhanced
set key top left
