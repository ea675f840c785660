// A small text chart for `tiermem watch`: one column per sample (newest on the right), the value
// drawn with half-block characters for twice the vertical resolution, and an optional reference
// line (the target) where the value is not.

export interface ChartOptions {
  height: number;
  width: number;
  min: number;
  max: number;
  /** Drawn as a dashed line, e.g. the target share. */
  reference?: number | null;
  /** Y-axis label for a value. */
  label: (v: number) => string;
}

export function renderChart(values: readonly (number | null)[], o: ChartOptions): string[] {
  const { height, width, min, max } = o;
  const span = max > min ? max - min : 1;
  const halfRows = height * 2;
  const level = (v: number): number =>
    Math.min(halfRows - 1, Math.max(0, Math.round(((v - min) / span) * (halfRows - 1))));
  const grid: string[][] = Array.from({ length: height }, () => new Array<string>(width).fill(' '));

  if (o.reference !== undefined && o.reference !== null && Number.isFinite(o.reference)) {
    const row = height - 1 - Math.floor(level(o.reference) / 2);
    const line = grid[row];
    if (line) for (let x = 0; x < width; x++) line[x] = '╌';
  }
  const shown = values.slice(-width);
  const offset = width - shown.length;
  shown.forEach((v, i) => {
    if (v === null || !Number.isFinite(v)) return;
    const h = level(v);
    const line = grid[height - 1 - Math.floor(h / 2)];
    if (line) line[offset + i] = h % 2 === 1 ? '▀' : '▄';
  });

  const labels = new Map<number, string>([
    [0, o.label(max)],
    [height - 1, o.label(min)],
  ]);
  if (height >= 5) labels.set(Math.floor((height - 1) / 2), o.label(min + span / 2));
  const margin = Math.max(...[...labels.values()].map((l) => l.length));
  return grid.map((row, y) => `${(labels.get(y) ?? '').padStart(margin)} ┤${row.join('')}`);
}
