/** Labelled form controls shared by the views: every control has a visible label. */
import { useId } from 'react';

export function Select({ label, value, onChange, options }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <select id={id} value={value} onChange={(e) => onChange(e.target.value)}>
        {options.map((o) => (
          <option key={o.value} value={o.value}>{o.label}</option>
        ))}
      </select>
    </div>
  );
}

export function DateField({ label, value, onChange }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="date" value={value} onChange={(e) => e.target.value && onChange(e.target.value)} />
    </div>
  );
}

export function NumberField({ label, value, onChange, min, max, step }) {
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>{label}</label>
      <input id={id} type="number" value={value} min={min} max={max} step={step} onChange={(e) => onChange(e.target.value)} />
    </div>
  );
}

export function Checkbox({ label, checked, onChange }) {
  const id = useId();
  return (
    <div className="field checkbox">
      <input id={id} type="checkbox" checked={checked} onChange={(e) => onChange(e.target.checked)} />
      <label htmlFor={id}>{label}</label>
    </div>
  );
}

/** The whole center, a queue or a team: "all", "queue:billing", "team:north". */
export function ScopeSelect({ value, onChange, directory, label = 'Scope' }) {
  const options = [
    { value: 'all', label: 'Whole center' },
    ...directory.queues.map((q) => ({ value: `queue:${q.key}`, label: `Queue ${q.name}` })),
    ...directory.teams.map((t) => ({ value: `team:${t.key}`, label: `Team ${t.name}` })),
  ];
  return <Select label={label} value={value} onChange={onChange} options={options} />;
}

/** The ContactFilter of a scope value (keys, as ingestion names them). */
export function scopeFilter(scope) {
  const [kind, key] = (scope ?? 'all').split(/:(.*)/s);
  if (kind === 'queue' && key) return { queueKeys: [key] };
  if (kind === 'team' && key) return { teamKeys: [key] };
  return undefined;
}

/** Loading, error and empty states of a view's data. */
export function Status({ state }) {
  if (state.error) return <p role="alert" className="problem">{state.error}</p>;
  if (state.loading) return <p role="status" className="loading">Loading…</p>;
  return null;
}
