import { describe, expect, it } from 'vitest';
import { planSchema } from '../../src/plan/schema.js';
import { mermaidLabel, renderFlowDiagram } from '../../src/render/diagram.js';
import { hostilePlan, migrationPlan, PAYLOADS } from './fixtures.js';
import { scanFences } from '../support/markdown-structure.js';

function mermaidSource(block: string): string[] {
  const scan = scanFences(block);
  expect(scan.unclosed).toBe(false);
  expect(scan.fences).toHaveLength(1);
  expect(scan.fences[0]!.info).toBe('mermaid');
  return scan.fences[0]!.body.split('\n');
}

describe('renderFlowDiagram draws the plan in order', () => {
  const lines = mermaidSource(
    renderFlowDiagram(migrationPlan(), { verifyNames: ['tests', 'lint', 'counts'] }),
  );

  it('is a Mermaid flowchart in a mermaid fence', () => {
    expect(lines[0]).toBe('flowchart TD');
  });

  it('has one node per step, numbered, with its estimate', () => {
    expect(lines).toContain('  s1["1. Schema analysis<br/>~2m"]');
    expect(lines).toContain('  s3["3. Cutover<br/>~3m"]');
  });

  it('chains approval, the steps and the verify gate in order', () => {
    const edges = lines.filter((l) => l.includes('-->')).map((l) => l.trim());
    expect(edges).toEqual([
      'approval --> s1',
      's1 -->|"⏸️ checkpoint"| s2',
      's2 --> s3',
      's3 --> verify',
      'verify --> merge',
    ]);
  });

  it('marks a checkpoint step with a hexagon, a pause sign and a class', () => {
    expect(lines).toContain('  s2{{"⏸️ 2. Execute migration<br/>~10m"}}');
    expect(lines).toContain('  class s2 checkpoint');
  });

  it('ends with the proceed/verify gate naming the checks', () => {
    expect(lines).toContain('  verify{"🔍 proceed/verify<br/>tests · lint · counts"}');
  });
});

describe('renderFlowDiagram options', () => {
  it('hides estimates when asked', () => {
    const block = renderFlowDiagram(migrationPlan(), { showEstimates: false });
    expect(block).not.toContain('~2m');
    expect(block).toContain('"1. Schema analysis"');
  });

  it('colours steps by status and shows their icon in the progress variant', () => {
    const lines = mermaidSource(
      renderFlowDiagram(migrationPlan(), {
        statuses: { schema: 'success', 'execute-migration': 'failure', cutover: 'pending' },
      }),
    );
    expect(lines).toContain('  s1["✅ 1. Schema analysis<br/>~2m"]');
    expect(lines).toContain('  s2{{"❌ 2. Execute migration<br/>~10m"}}');
    expect(lines).toContain('  class s1 success');
    expect(lines).toContain('  class s2 failure');
    expect(lines.some((l) => l.includes('class s3'))).toBe(false);
  });

  it('colours the verify gate by its status', () => {
    const lines = mermaidSource(
      renderFlowDiagram(migrationPlan(), { verifyStatus: 'failure', verifyNames: ['tests'] }),
    );
    expect(lines).toContain('  verify{"❌ proceed/verify<br/>tests"}');
    expect(lines).toContain('  class verify failure');
  });

  it('stops before every step after the first with checkpoint_between_steps', () => {
    const plan = migrationPlan({
      config: { checkpoint_between_steps: true },
      steps: [
        { name: 'One', run: 'a' },
        { name: 'Two', run: 'b' },
        { name: 'Three', run: 'c' },
      ],
    });
    const lines = mermaidSource(renderFlowDiagram(plan));
    expect(lines).toContain('  approval --> s1');
    expect(lines).toContain('  s1 -->|"⏸️ checkpoint"| s2');
    expect(lines).toContain('  s2 -->|"⏸️ checkpoint"| s3');
  });

  it('cuts long names and lists at most six checks', () => {
    const plan = planSchema.parse({ version: 1, title: 't', steps: [{ name: 'n'.repeat(200), run: 'x' }] });
    const block = renderFlowDiagram(plan, { verifyNames: ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h'] });
    expect(block).toContain(`1. ${'n'.repeat(60)}…"`);
    expect(block).toContain('a · b · c · d · e · f · +2 more');
  });
});

describe('mermaidLabel keeps plan text inside its label', () => {
  it('turns quotes into #quot; and other specials into entity codes', () => {
    expect(mermaidLabel('say "hi" #1; 50% <b> & `x`')).toBe(
      'say #quot;hi#quot; #35;1#59; 50#37; #60;b#62; #38; #96;x#96;',
    );
  });

  it('joins lines and neutralizes mentions', () => {
    expect(mermaidLabel('a\nb @octocat')).toBe('a b @\u200Boctocat');
  });

  it('leaves no quote, backtick, angle bracket or newline for any payload', () => {
    for (const payload of PAYLOADS) expect(mermaidLabel(payload), payload).not.toMatch(/["`<>\n\r]/);
  });
});

describe('renderFlowDiagram with hostile plan text', () => {
  const block = renderFlowDiagram(hostilePlan(), { verifyNames: ['check-1', '<!-- "x" `y` -->'] });
  const lines = mermaidSource(block);

  it('keeps every label closed: quotes appear only as label delimiters', () => {
    for (const line of lines.filter((l) => /^ {2}s\d+[[{]/.test(l))) {
      const match = /^ {2}s\d+(?:\["(.*)"\]|\{\{"(.*)"\}\})$/.exec(line);
      expect(match, line).not.toBeNull();
      expect(match![1] ?? match![2], line).not.toContain('"');
    }
  });

  it('has no backticks, so the Markdown fence around it cannot close early', () => {
    expect(lines.join('\n')).not.toContain('`');
    expect(block.startsWith('```mermaid\n')).toBe(true);
  });

  it('contains no HTML comment opener and no raw tags from the plan', () => {
    expect(block).not.toContain('<!--');
    expect(block).not.toMatch(/<(?!br\/>)[a-z/!]/i);
  });

  it('has one statement per line: no plan newline reaches the source', () => {
    const nodes = lines.filter((l) => /^ {2}s\d+[[{]/.test(l));
    expect(nodes).toHaveLength(hostilePlan().steps.length);
  });
});
