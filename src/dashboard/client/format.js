/** How figures are written on the page; cells also carry the raw value (data-value) for tests and screen readers' copies. */

const PERCENT = new Intl.NumberFormat('en-GB', { style: 'percent', minimumFractionDigits: 1, maximumFractionDigits: 1 });
const DECIMAL = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 1, minimumFractionDigits: 1 });
const INTEGER = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 0 });

/** Metric units by name: ratios as %, durations as seconds, the rest as counts. */
export function unitOf(metric) {
  if (/Rate$|^serviceLevel|^occupancy$|^utilization$|^costCoverage$|^csatScore$|^answerRate$|^qaScore$/.test(metric)) return 'ratio';
  if (/^average(SpeedOfAnswer|HandleTime|TalkTime|HoldTime|AfterContactWork)$|Percentile|Seconds$|^longestWait$|^expectedAverageSpeedOfAnswer$/.test(metric)) return 'seconds';
  if (/^(netPromoterScore|csatAverage|averageAgentsStaffed|staffedAgents|staffedCost|costPerContact|trafficErlangs|gap)$/.test(metric)) return 'decimal';
  return 'count';
}

export function formatValue(value, unit = 'count') {
  if (value === null || value === undefined) return '–';
  if (unit === 'ratio') return PERCENT.format(value);
  if (unit === 'seconds') return `${DECIMAL.format(value)} s`;
  if (unit === 'decimal') return DECIMAL.format(value);
  return INTEGER.format(value);
}

/** "serviceLevel" → "Service level". */
export function labelOf(metric) {
  const words = metric.replace(/([A-Z])/g, ' $1').toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
}
