import { storedStateSchema, type StoredState } from './state.js';

/** The hidden marker that closes the bot's review; base64 keeps `-->` and newlines out of it. */
const MARKER = /<!-- proceed:state ([A-Za-z0-9+/=]+) -->\s*$/;

/** The marker's size budget, kept free by the renderer so the whole body stays within GitHub's limit. */
export const MARKER_BUDGET = 1_024;
/** How many handled comment ids are remembered: enough for redeliveries, bounded so the marker stays small. */
const HANDLED_KEPT = 20;

export function encodeState(state: StoredState): string {
  const trimmed = { ...state, handled: state.handled.slice(-HANDLED_KEPT) };
  return `\n\n<!-- proceed:state ${Buffer.from(JSON.stringify(trimmed), 'utf8').toString('base64')} -->`;
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
