/**
 * The one chart component: uPlot (canvas, small and fast) over a time axis in
 * the organization's zone, or over categories (groups without periods). Its
 * figures are in the table beside it; the canvas is described by its label.
 */
import { useEffect, useRef } from 'react';
import uPlot from 'uplot';
import 'uplot/dist/uPlot.min.css';
import { formatValue } from './format.js';

/** Colours with at least 3:1 contrast on white (WCAG non-text), told apart by dashes too. */
export const PALETTE = ['#1f5fbf', '#c2410c', '#15803d', '#7e22ce', '#b91c1c', '#0e7490', '#a16207', '#be185d', '#4d7c0f', '#475569'];

const COUNT_STEPS = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1_000, 2_000, 5_000, 10_000, 20_000, 50_000, 100_000, 1_000_000];

/**
 * x: instants (ISO strings) for a time axis, or category labels;
 * series: [{ label, values, color?, dash?, bars? }]; unit: a format.js unit for the y axis.
 */
export function Chart({ title, x, series, unit = 'count', timeZone = 'UTC', height = 260 }) {
  const container = useRef(null);
  const categorical = x.length > 0 && !/^\d{4}-\d{2}-\d{2}T/.test(x[0]);

  useEffect(() => {
    const element = container.current;
    if (!element || x.length === 0) return undefined;
    const xs = categorical ? x.map((_, i) => i) : x.map((instant) => Date.parse(instant) / 1000);
    const options = {
      width: Math.max(element.clientWidth, 200),
      height,
      scales: { x: { time: !categorical, ...(categorical ? { range: [-0.5, x.length - 0.5] } : {}) } },
      tzDate: (seconds) => uPlot.tzDate(new Date(seconds * 1000), timeZone),
      legend: { live: false },
      cursor: { drag: { x: false, y: false } },
      series: [
        { label: categorical ? 'group' : 'time' },
        ...series.map((s, i) => ({
          label: s.label,
          stroke: s.color ?? PALETTE[i % PALETTE.length],
          fill: s.bars ? `${s.color ?? PALETTE[i % PALETTE.length]}55` : undefined,
          width: s.width ?? 2,
          dash: s.dash,
          spanGaps: false,
          points: { show: categorical && !s.bars },
          paths: s.bars ? uPlot.paths.bars({ size: [0.6, 60] }) : undefined,
          value: (_u, v) => formatValue(v, unit),
        })),
      ],
      axes: [
        categorical
          ? { values: (_u, splits) => splits.map((i) => (Number.isInteger(i) ? x[i] ?? '' : '')), splits: () => x.map((_, i) => i) }
          : {},
        // Counts step by whole numbers (uPlot would mark 2.5 and print it rounded).
        { values: (_u, splits) => splits.map((v) => formatValue(v, unit)), size: 70, ...(unit === 'count' ? { incrs: COUNT_STEPS } : {}) },
      ],
    };
    const plot = new uPlot(options, [xs, ...series.map((s) => s.values.map((v) => (v === undefined ? null : v)))], element);
    const resize = new ResizeObserver(() => plot.setSize({ width: Math.max(element.clientWidth, 200), height }));
    resize.observe(element);
    return () => {
      resize.disconnect();
      plot.destroy();
    };
  }, [x, series, unit, timeZone, height, categorical]);

  const description = `${title}: ${series.map((s) => s.label).join(', ')} over ${x.length} ${categorical ? 'groups' : 'intervals'}; the figures are in the table`;
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      {x.length === 0 ? <p className="empty">No data for this choice.</p> : <div ref={container} role="img" aria-label={description} />}
    </figure>
  );
}
