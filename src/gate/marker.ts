import { storedStateSchema, type StoredState } from './state.js';

/** The hidden marker that closes the bot's review; base64 keeps `-->` and newlines out of it. */
const MARKER = /<!-- proceed:state ([A-Za-z0-9+/=]+) -->\s*$/;

/** The marker's size budget, kept free by the review's renderer so the whole body stays within GitHub's limit. */
export const MARKER_BUDGET = 2_048;
/** How many handled comment ids are remembered: enough for redeliveries, bounded so the marker stays small. */
const HANDLED_KEPT = 20;

/** The marker for `state`, within MARKER_BUDGET: the oldest handled ids give way first. */
export function encodeState(state: StoredState): string {
  let kept = HANDLED_KEPT;
  for (;;) {
    const trimmed = { ...state, handled: kept > 0 ? state.handled.slice(-kept) : [] };
    const marker = `\n\n<!-- proceed:state ${Buffer.from(JSON.stringify(trimmed), 'utf8').toString('base64')} -->`;
    if (marker.length <= MARKER_BUDGET || kept === 0) return marker;
    kept = Math.floor(kept / 2);
  }
}

/** The state in a body the bot wrote, or undefined when there is none or it does not parse. */
export function decodeState(body: string): StoredState | undefined {
  const m = MARKER.exec(body);
  if (!m) return undefined;
  try {
    const parsed = storedStateSchema.safeParse(JSON.parse(Buffer.from(m[1]!, 'base64').toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
