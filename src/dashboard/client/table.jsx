/**
 * The one table component, with "Download CSV": from an /export route when the
 * table is a KPI report or a contact list (the server streams every row), else
 * the rows shown, as RFC 4180 CSV made here.
 */
import { useState } from 'react';
import { saveBlob } from './api.js';
import { toCsv } from './csv.js';
import { formatValue } from './format.js';

/**
 * columns: [{ key, label, value(row), unit?, render?(row) }]; exportFile + exportParams:
 * the /export download (e.g. 'kpis.csv', { query, fields }); csvName: the local CSV's name otherwise.
 */
export function Table({ caption, columns, rows, api, exportFile, exportParams, csvName = 'table.csv', rowClass }) {
  const [problem, setProblem] = useState('');
  const download = async () => {
    setProblem('');
    try {
      if (exportFile) await api.download(exportFile, exportParams);
      else saveBlob(new Blob([toCsv(columns, rows)], { type: 'text/csv' }), csvName);
    } catch (error) {
      setProblem(`Download failed: ${error.message}`);
    }
  };
  return (
    <section className="table-block" aria-label={caption}>
      <div className="table-head">
        <h3>{caption}</h3>
        <button type="button" onClick={download}>Download CSV</button>
        {problem ? <span role="alert" className="problem">{problem}</span> : null}
      </div>
      <div className="table-scroll" tabIndex={0} aria-label={`${caption} (scrollable)`}>
        <table>
          <thead>
            <tr>
              {columns.map((c) => (
                <th key={c.key} scope="col" className={c.unit && c.unit !== 'text' ? 'number' : undefined}>{c.label}</th>
              ))}
            </tr>
          </thead>
          <tbody>
            {rows.length === 0 ? (
              <tr><td colSpan={columns.length} className="empty">No rows.</td></tr>
            ) : (
              rows.map((row, i) => (
                <tr key={i} className={rowClass?.(row)}>
                  {columns.map((c) => {
                    const value = c.value(row);
                    const numeric = c.unit && c.unit !== 'text';
                    return (
                      <td key={c.key} data-column={c.key} data-value={numeric ? String(value ?? '') : undefined} className={numeric ? 'number' : undefined}>
                        {c.render ? c.render(row) : numeric ? formatValue(value, c.unit) : value ?? '–'}
                      </td>
                    );
                  })}
                </tr>
              ))
            )}
          </tbody>
        </table>
      </div>
    </section>
  );
}
