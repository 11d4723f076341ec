/** Durations as plans write them: `90s`, `10m`, `1h30m`, `2h`, `1h0m30s`. */
export const DURATION_PATTERN = '^(?=\\d)(\\d+h)?(\\d+m)?(\\d+s)?$';
const durationRe = new RegExp(DURATION_PATTERN);

export function isDuration(text: string): boolean {
  return text.length > 0 && durationRe.test(text);
}

/** Milliseconds of a duration string; throws on text that `isDuration` rejects. */
export function parseDuration(text: string): number {
  const m = durationRe.exec(text);
  if (!m || text.length === 0)
    throw new Error(`not a duration: ${JSON.stringify(text)} (use 90s, 10m or 1h30m)`);
  const [, h, min, s] = m;
  return ((parseInt(h ?? '0', 10) * 60 + parseInt(min ?? '0', 10)) * 60 + parseInt(s ?? '0', 10)) * 1000;
}

/** Human form of milliseconds, the inverse style of `parseDuration`: `1h30m`, `2m5s`, `850ms`. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '—';
  if (ms < 1000) return `${Math.round(ms)}ms`;
  let s = Math.round(ms / 1000);
  const h = Math.floor(s / 3600);
  s -= h * 3600;
  const m = Math.floor(s / 60);
  s -= m * 60;
  return [h ? `${h}h` : '', m ? `${m}m` : '', s || (!h && !m) ? `${s}s` : ''].join('');
}
