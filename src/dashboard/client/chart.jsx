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

/** Least room, in CSS pixels, for one label of a category axis. */
const LABEL_ROOM = 90;

/**
 * x: instants (ISO strings) on a time axis in timeZone, or labels: one category per
 * point (periods by their local label, or groups); series: [{ label, values, color?,
 * dash?, bars? }], one value per point; unit: a format.js unit for the y axis.
 */
export function Chart({ title, x, labels, series, unit = 'count', timeZone = 'UTC', height = 260 }) {
  const container = useRef(null);
  const categorical = Boolean(labels);
  const points = labels ?? x ?? [];

  useEffect(() => {
    const element = container.current;
    if (!element || points.length === 0) return undefined;
    const xs = categorical ? points.map((_, i) => i) : points.map((instant) => Date.parse(instant) / 1000);
    const options = {
      width: Math.max(element.clientWidth, 200),
      height,
      scales: { x: { time: !categorical, ...(categorical ? { range: [-0.5, points.length - 0.5] } : {}) } },
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
          points: { show: categorical && !s.bars && points.length <= 40 },
          paths: s.bars ? uPlot.paths.bars({ size: [0.6, 60] }) : undefined,
          value: (_u, v) => formatValue(v, unit),
        })),
      ],
      axes: [
        categorical
          ? {
              values: (_u, splits) => splits.map((i) => points[i] ?? ''),
              // Every label that fits: each step-th category, the step chosen by the plot's width.
              splits: (u) => {
                const step = Math.max(1, Math.ceil((points.length * LABEL_ROOM) / Math.max(u.bbox.width / devicePixelRatio, 1)));
                return points.map((_, i) => i).filter((i) => i % step === 0);
              },
            }
          : { space: 60 },
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
    // eslint-disable-next-line react-hooks/exhaustive-deps -- points is x or labels
  }, [x, labels, series, unit, timeZone, height]);

  const description = `${title}: ${series.map((s) => s.label).join(', ')} over ${points.length} ${categorical ? 'points' : 'intervals'}; the figures are in the table`;
  return (
    <figure className="chart">
      <figcaption>{title}</figcaption>
      {points.length === 0 ? <p className="empty">No data for this choice.</p> : <div ref={container} role="img" aria-label={description} />}
    </figure>
  );
}
