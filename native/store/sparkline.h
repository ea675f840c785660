/* sparkline.h - ASCII sparklines as Redis's sparkline.c draws them (LATENCY GRAPH).
 *
 * A sequence of samples, each with an optional label, is drawn in `rows` rows of columns (one
 * column per sample; 3 levels per row with the characters "_o#" and '|' below the top in fill
 * mode), then its labels written vertically under each column after a blank margin row. More
 * samples than `columns` make several blocks separated by an empty line. The output goes to an
 * emit callback, piece by piece. */
#ifndef TIERMEM_SPARKLINE_H
#define TIERMEM_SPARKLINE_H

#include <stddef.h>

typedef struct sl_sample {
  double value;
  const char *label; /* NULL or "" for none */
} sl_sample;

typedef void sl_emit_fn(void *arg, const char *s, size_t len);

/* Redis's sparklineRender(output, seq, columns, rows, SPARKLINE_FILL) over n samples; chars is
 * scratch room for `columns` characters. */
void sparkline_render(const sl_sample *samples, int n, int columns, int rows, char *chars,
                      sl_emit_fn *emit, void *arg);

#endif
