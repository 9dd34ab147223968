/**
 * Whether a view's figures are live: a dot and words (never colour alone). The
 * words are a polite live region, announced when the connection changes; the
 * time of the last report sits outside it, so a busy day does not talk every second.
 */
import { liveLabel } from './live-state.js';

export function LiveIndicator({ live, updatedAt }) {
  return (
    <div className="live-indicator" data-live-mode={live.mode}>
      <span className={`live-dot ${live.mode}`} aria-hidden="true" />
      <span role="status" className="live-label">{liveLabel(live)}</span>
      {updatedAt ? (
        <span className="live-updated">
          {' · updated '}
          <time dateTime={updatedAt.toISOString()}>{updatedAt.toLocaleTimeString('en-GB')}</time>
        </span>
      ) : null}
    </div>
  );
}
