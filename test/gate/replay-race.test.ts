/**
 * The replay watermark under racing writers (issue 12, attack 4): two jobs load the same state, act,
 * and write it back in the other order. The stored watermark must never move back, or a command the
 * faster job overtook would count as fresh again.
 */
import { afterEach, describe, expect, it } from 'vitest';
import { toGateEvent } from '../../src/gate/events.js';
import { handleEvent } from '../../src/gate/handle.js';
import { decodeState } from '../../src/gate/marker.js';
import type { GitHubPort } from '../../src/gate/port.js';
import type { GateEnv } from '../../src/gate/view.js';
import { issueCommentEvent } from '../support/payloads.js';
import { MemoryScene, NUMBER } from '../support/memory-scene.js';
import { tracedPlan } from '../support/traced-plans.js';

let scene: MemoryScene | undefined;
afterEach(() => {
  scene?.cleanup();
  scene = undefined;
});

/**
 * The port with its first `createRef` (taking the lock, after the state was loaded and before it is
 * written) held until `release()`; `held` settles when that call arrives.
 */
function holdingFirstWrite(port: GitHubPort) {
  let release!: () => void;
  let arrived!: () => void;
  const gate = new Promise<void>((r) => (release = r));
  const held = new Promise<void>((r) => (arrived = r));
  let first = true;
  const proxy = new Proxy(port, {
    get(target, prop) {
      const value: unknown = Reflect.get(target, prop, target);
      if (prop === 'createRef')
        return async (...args: Parameters<GitHubPort['createRef']>) => {
          if (first) {
            first = false;
            arrived();
            await gate;
          }
          return target.createRef(...args);
        };
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  return { proxy, held, release };
}

async function commentThrough(env: GateEnv, s: MemoryScene, login: string, body: string) {
  const c = s.github.addComment(login, body);
  const event = toGateEvent(
    'issue_comment',
    issueCommentEvent('created', { number: NUMBER, user: login, body, commentId: c.id, prAuthor: s.author }),
  );
  if (event.kind === 'ignored' || event.kind === 'invalid')
    throw new Error(`not a gate event: ${JSON.stringify(event)}`);
  return { id: c.id, done: handleEvent(env, event) };
}

describe('the replay watermark with two writers', () => {
  it('never moves back when a job that read the state earlier writes it after a later command was acted on', async () => {
    const s = (scene = new MemoryScene({
      plan: tracedPlan({ steps: [{ id: 'one' }, { id: 'two', checkpoint: true }] }),
      permissions: { alice: 'write', bob: 'write' },
    }));
    // Every state the bot's review is written with, in order.
    const written: number[] = [];
    const updateReview = s.github.updateReview.bind(s.github);
    s.github.updateReview = async (number, id, body) => {
      written.push(decodeState(body)?.lastComment ?? 0);
      return updateReview(number, id, body);
    };
    await s.open();
    await s.comment('bob', '/proceed');
    expect(s.state()).toMatchObject({ state: 'paused', next: 'two' });

    // Job A: bob confirms the checkpoint; it has read the state and is slow to write it.
    const slow = holdingFirstWrite(s.github);
    const a = await commentThrough({ ...s.env, port: slow.proxy }, s, 'bob', '/proceed');
    await slow.held;
    // Job B, meanwhile: alice's later /cancel is acted on and written.
    const b = await commentThrough(s.env, s, 'alice', '/cancel');
    await b.done;
    expect(s.state()?.lastComment).toBe(b.id);
    slow.release();
    await a.done;

    expect(b.id).toBeGreaterThan(a.id);
    expect(s.state()?.lastComment).toBe(b.id);
    // Job A is refused once it holds the lock (the plan was cancelled meanwhile) and writes nothing;
    // its comment stays spent through the watermark, which is past it.
    expect(s.state()?.handled).toEqual(expect.arrayContaining([b.id]));
    expect(s.state()!.lastComment!).toBeGreaterThan(a.id);
    for (let i = 1; i < written.length; i++) expect(written[i]).toBeGreaterThanOrEqual(written[i - 1]!);
  });

  it('does not run a confirmed checkpoint that another job cancelled while the confirmation waited for the lock', async () => {
    const s = (scene = new MemoryScene({
      plan: tracedPlan({ steps: [{ id: 'one' }, { id: 'two', checkpoint: true }] }),
      permissions: { alice: 'write', bob: 'write' },
    }));
    await s.open();
    await s.comment('bob', '/proceed');
    expect(s.state()).toMatchObject({ state: 'paused', next: 'two' });

    // Job A: bob confirms the checkpoint; it has decided on "paused" and waits to take the lock.
    const slow = holdingFirstWrite(s.github);
    const a = await commentThrough({ ...s.env, port: slow.proxy }, s, 'bob', '/proceed');
    await slow.held;
    // Job B, meanwhile: alice cancels the paused plan.
    const b = await commentThrough(s.env, s, 'alice', '/cancel');
    await b.done;
    expect(s.state()?.state).toBe('cancelled');
    slow.release();
    await a.done;

    // The cancel stands: step two never started, and bob is told why his confirmation did nothing.
    expect(
      s
        .trace()
        .filter((e) => e.kind === 'start')
        .map((e) => e.id),
    ).toEqual(['one']);
    expect(s.state()?.state).toBe('cancelled');
    expect(s.github.comments().at(-1)?.body).toMatch(
      /While this command waited for the lock, the plan became cancelled/,
    );
  });
});
