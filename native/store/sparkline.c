/* sparkline.c - ASCII sparklines (see sparkline.h). */
#include <string.h>

#include "sparkline.h"

static const char fill_chars[] = "_o#";
#define LEVELS 3 /* characters per row */
#define LABEL_MARGIN 1

/* One block: samples[offset .. offset + len) against the whole sequence's min and max. */
static void render_range(const sl_sample *s, double min, double max, int labels, int rows,
                         int offset, int len, char *chars, sl_emit_fn *emit, void *arg) {
  double span = max - min;
  if (span == 0) span = 1;
  int steps = LEVELS * rows;
  for (int row = 0;; row++) {
    int more = 0;
    memset(chars, ' ', (size_t)len);
    for (int j = 0; j < len; j++) {
      const sl_sample *x = &s[j + offset];
      /* Redis truncates relval * steps to an int before dividing by the span. */
      int step = (int)((double)(int)((x->value - min) * steps) / span);
      if (step < 0) step = 0;
      if (step >= steps) step = steps - 1;
      if (row < rows) {
        int idx = step - (rows - row - 1) * LEVELS;
        more = 1;
        if (idx >= 0 && idx < LEVELS)
          chars[j] = fill_chars[idx];
        else if (idx >= LEVELS)
          chars[j] = '|';
      } else {
        if (labels && row - rows < LABEL_MARGIN) {
          more = 1;
          break;
        }
        if (x->label != NULL && x->label[0] != '\0') {
          int at = row - rows - LABEL_MARGIN;
          if ((int)strlen(x->label) > at) {
            more = 1;
            chars[j] = x->label[at];
          }
        }
      }
    }
    if (!more) return;
    emit(arg, chars, (size_t)len);
    emit(arg, "\n", 1);
  }
}

void sparkline_render(const sl_sample *samples, int n, int columns, int rows, char *chars,
                      sl_emit_fn *emit, void *arg) {
  double min = 0, max = 0;
  int labels = 0;
  for (int j = 0; j < n; j++) {
    double v = samples[j].value;
    if (j == 0)
      min = max = v;
    else if (v < min)
      min = v;
    else if (v > max)
      max = v;
    if (samples[j].label != NULL && samples[j].label[0] != '\0') labels++;
  }
  for (int j = 0; j < n; j += columns) {
    int len = n - j < columns ? n - j : columns;
    if (j != 0) emit(arg, "\n", 1);
    render_range(samples, min, max, labels, rows, j, len, chars, emit, arg);
  }
}
